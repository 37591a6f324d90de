import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/*
 * Layer rules (README "Architecture"; test/unit/architecture/layer-rules.test.ts proves each one
 * fails on a forbidden import and lets an allowed one through):
 *   core      src/core imports nothing else in src/, and no Node built-in: it is pure.
 *   pbx       only src/pbx knows the AMI client (src/pbx/ami) and AMI action, event and header names.
 *   platform  src/platform (db, outbox, events, http, config) imports only src/core: features register with it.
 *   web       the console (web/src) imports of the service's code only src/core.
 *   prisma    Prisma (src/generated/prisma, the @prisma packages, its adapters) only in stores
 *             (files named prisma-<what>-store.ts) and src/platform/db.
 * Imports are checked on resolved paths (import-x/no-restricted-paths: "../x.js" is the file
 * src/x.ts, however many "../" it takes), package names by name (no-restricted-imports).
 * Flat config does not merge a rule's options across blocks: the last block matching a file sets
 * them, so each block below lists every zone that applies to its files.
 */

/** Zones for import-x/no-restricted-paths (paths from the repository root). */
const zones = {
  corePure: {
    target: 'src/core',
    from: 'src',
    except: ['./core'],
    message: 'src/core is the ground floor: it imports only src/core (move the type into core, or invert the dependency).',
  },
  platformKnowsNoFeature: {
    target: 'src/platform',
    from: 'src',
    except: ['./platform', './core', './generated'],
    message: 'src/platform is plumbing every feature shares: it imports only src/core (a feature registers with it instead).',
  },
  amiInPbx: {
    target: 'src/!(pbx)/**',
    from: 'src/pbx/ami',
    message: 'only src/pbx knows the AMI client: use the PBX port src/pbx exposes.',
  },
  consoleReadsCore: {
    target: 'web/src',
    from: 'src',
    except: ['./core'],
    message: 'the web console shares only src/core with the service (pure code); everything else comes from the API.',
  },
  prismaInStores: {
    // every file in src except stores (prisma-*-store.ts) and src/platform/db
    target: ['src/!(platform)/**/!(prisma-*-store).ts', 'src/platform/!(db)/**/!(prisma-*-store).ts', 'src/!(prisma-*-store).ts'],
    from: 'src/generated/prisma',
    message: 'Prisma appears only in stores (src/**/prisma-*-store.ts) and src/platform/db: go through a store interface.',
  },
};

const prismaPackages = {
  group: ['@prisma/*', '.prisma/*', 'prisma', 'prisma/*', 'pglite-prisma-adapter'],
  message: 'Prisma appears only in stores (src/**/prisma-*-store.ts) and src/platform/db.',
};
const nodeBuiltins = {
  // fs, net, http, child_process, timers, crypto, …, with or without the node: prefix
  regex: `^(node:.+|(${builtinModules.filter((name) => !name.startsWith('_')).join('|')})(/.*)?)$`,
  message: 'src/core is pure: no Node built-ins (I/O, time and randomness come in as arguments).',
};

/**
 * AMI action, event and header names (and Dial statuses no other vocabulary uses), from what
 * src/pbx sends and reads. Outside src/pbx they mean the wire leaked past the translation layer.
 * Generic words AMI also uses (Event, Response, Output, Command, Up, BUSY) are left out.
 */
const AMI_NAMES = [
  // actions
  'Login', 'Logoff', 'Ping', 'CoreShowChannels', 'Originate',
  // events
  'Newchannel', 'Newstate', 'DialBegin', 'DialState', 'DialEnd', 'Hangup', 'HangupRequest', 'UserEvent',
  // headers
  'ActionID', 'Linkedid', 'Uniqueid', 'DestUniqueid', 'DestLinkedid', 'DestChannel', 'DialStatus', 'DialString', 'ChannelStateDesc', 'CallerIDNum', 'CallerIDName', 'Exten', 'EventList',
  // Dial statuses
  'NOANSWER', 'CHANUNAVAIL',
];
const amiNamePattern = `/^(${AMI_NAMES.join('|')})$/`;
const amiMessage = 'AMI names stop in src/pbx: speak the domain (CallEvent, the PBX port) here.';
const amiSyntax = [
  { selector: `Literal[value=${amiNamePattern}]`, message: amiMessage },
  { selector: `TemplateLiteral[expressions.length=0] > TemplateElement[value.cooked=${amiNamePattern}]`, message: amiMessage },
  { selector: `MemberExpression[computed=false] > Identifier.property[name=${amiNamePattern}]`, message: amiMessage },
  { selector: `:matches(Property, TSPropertySignature)[computed=false] > Identifier.key[name=${amiNamePattern}]`, message: amiMessage },
];
const impureSyntax = [
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'src/core is pure: take `now` as an argument.' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'src/core is pure: take `now` as an argument.' },
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'src/core is pure: take randomness as an argument.' },
];
const impureGlobals = ['process', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'fetch', 'require'].map((name) => ({
  name,
  message: 'src/core is pure: I/O and timers belong to the callers (the clock asks, the tracker feeds events back).',
}));

/** One block of layer rules: every rule is set in full, so a later, narrower block replaces it whole. */
function layer(files, { paths = [], packages = [], syntax = [], globals = [] }) {
  return {
    files,
    rules: {
      'import-x/no-restricted-paths': paths.length ? ['error', { zones: paths }] : 'off',
      'no-restricted-imports': packages.length ? ['error', { patterns: packages }] : 'off',
      'no-restricted-syntax': syntax.length ? ['error', ...syntax] : 'off',
      'no-restricted-globals': globals.length ? ['error', ...globals] : 'off',
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'src/generated/**', '.cache/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // ESM TypeScript: "./x.js" in an import is the file ./x.ts
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
  },
  // Order matters: narrower blocks come later and replace the rules of broader ones.
  layer(['src/**/*.ts'], { paths: [zones.amiInPbx, zones.prismaInStores, zones.platformKnowsNoFeature], packages: [prismaPackages], syntax: amiSyntax }),
  layer(['src/pbx/**/*.ts'], { paths: [zones.prismaInStores], packages: [prismaPackages] }),
  layer(['src/**/prisma-*-store.ts', 'src/platform/db/**/*.ts'], { paths: [zones.amiInPbx, zones.platformKnowsNoFeature], syntax: amiSyntax }),
  // The web console (web/src): Vue single-file components in TypeScript, for the browser.
  ...pluginVue.configs['flat/recommended'].map((c) => ({ ...c, files: ['web/src/**/*.vue'] })),
  {
    files: ['web/src/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.vue', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [zones.consoleReadsCore] }],
      // Layout is the formatter's business; these flag how the templates are written on one line each.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/multi-word-component-names': 'off',
    },
  },
  layer(['src/core/**/*.ts'], { paths: [zones.corePure], packages: [prismaPackages, nodeBuiltins], syntax: [...amiSyntax, ...impureSyntax], globals: impureGlobals }),
);
