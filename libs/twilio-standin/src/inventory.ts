import { createHash } from 'node:crypto';

/** A number the account owns, with the webhooks it was bought with. */
export interface OwnedNumber {
  sid: string;
  phoneNumber: string;
  voiceUrl: string;
  voiceMethod: string;
  voiceFallbackUrl: string;
  voiceFallbackMethod: string;
  statusCallback: string;
  statusCallbackMethod: string;
  dateCreated: Date;
}

export type PurchaseRequest = Omit<OwnedNumber, 'sid' | 'dateCreated'>;

export interface InventoryOptions {
  defaultAreaCode: string;
  /** How many numbers each area code holds: +1 NPA 555 0000 up to this many. */
  numbersPerAreaCode: number;
}

const STAND_IN_NUMBER = /^\+1([2-9]\d{2})555(\d{4})$/;

/**
 * Twilio's number inventory, made deterministic: area code NPA offers
 * +1 NPA 555 0000, 0001, ... (fictional 555 exchange) in that order, minus the
 * numbers the account owns. A released number goes straight back on offer,
 * standing for Twilio letting an account buy back a number for about 10 days.
 */
export class NumberInventory {
  private readonly bySid = new Map<string, OwnedNumber>();
  private readonly sidByNumber = new Map<string, string>();
  private purchases = 0;

  constructor(private readonly options: InventoryOptions) {}

  available(areaCode: string | undefined, limit: number): string[] {
    const npa = areaCode ?? this.options.defaultAreaCode;
    if (!/^[2-9]\d{2}$/.test(npa)) return [];
    const found: string[] = [];
    for (let line = 0; line < this.options.numbersPerAreaCode && found.length < limit; line++) {
      const number = `+1${npa}555${String(line).padStart(4, '0')}`;
      if (!this.sidByNumber.has(number)) found.push(number);
    }
    return found;
  }

  isAvailable(phoneNumber: string): boolean {
    const match = STAND_IN_NUMBER.exec(phoneNumber);
    if (!match || Number(match[2]) >= this.options.numbersPerAreaCode) return false;
    return !this.sidByNumber.has(phoneNumber);
  }

  /** Undefined when the number is not on offer (Twilio error 21422). */
  buy(request: PurchaseRequest, now: Date): OwnedNumber | undefined {
    if (!this.isAvailable(request.phoneNumber)) return undefined;
    this.purchases += 1;
    const digest = createHash('md5').update(`${request.phoneNumber}#${this.purchases}`).digest('hex');
    const owned: OwnedNumber = { ...request, sid: `PN${digest}`, dateCreated: now };
    this.bySid.set(owned.sid, owned);
    this.sidByNumber.set(owned.phoneNumber, owned.sid);
    return owned;
  }

  release(sid: string): OwnedNumber | undefined {
    const owned = this.bySid.get(sid);
    if (!owned) return undefined;
    this.bySid.delete(sid);
    this.sidByNumber.delete(owned.phoneNumber);
    return owned;
  }

  get(sid: string): OwnedNumber | undefined {
    return this.bySid.get(sid);
  }

  /** Owned numbers in purchase order. */
  owned(): OwnedNumber[] {
    return [...this.bySid.values()];
  }

  clear(): void {
    this.bySid.clear();
    this.sidByNumber.clear();
    this.purchases = 0;
  }
}
