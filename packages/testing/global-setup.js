// jest runs globalSetup outside its own transform pipeline; tsx lets it load our TypeScript.
require('tsx/cjs/api').register();
module.exports = require('./src/global-setup.ts').default;
