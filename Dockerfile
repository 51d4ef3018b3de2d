# One image for every process; docker-compose picks the command (start:api, start:scheduler…).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json turbo.json tsconfig.json ./
COPY apps ./apps
COPY packages ./packages
COPY drizzle ./drizzle
RUN npm install --no-audit --no-fund --loglevel=error && npm cache clean --force
USER node
CMD ["npm", "run", "start:api"]
