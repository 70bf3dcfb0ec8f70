# One image for the three services (and the Twilio stand-in); the command picks which.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs
ENV NODE_ENV=production
CMD ["node", "dist/apps/allocator/src/main.js"]
