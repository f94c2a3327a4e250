import nx from '@nx/eslint-plugin';
import baseConfig from '../eslint.config.mjs';

/** Contract classes carry class-validator decorators: the browser may only use them as types. */
const contractClasses = [
  'RegisterRequest',
  'LoginRequest',
  'CreateRoomRequest',
  'AddMemberRequest',
  'CreateDmRequest',
  'PublicRoomsQuery',
  'UserSearchQuery',
  'HistoryQuery',
  'SendMessageRequest',
  'EditMessageRequest',
  'DeleteMessageRequest',
  'SyncRequest',
  'ReadRequest',
  'TypingRequest',
  'AdminListQuery',
  'BanRequest',
];

export default [
  ...nx.configs['flat/angular'],
  ...nx.configs['flat/angular-template'],
  ...baseConfig,
  {
    files: ['**/*.ts'],
    rules: {
      '@angular-eslint/directive-selector': [
        'error',
        {
          type: 'attribute',
          prefix: 'app',
          style: 'camelCase',
        },
      ],
      '@angular-eslint/component-selector': [
        'error',
        {
          type: 'element',
          prefix: 'app',
          style: 'kebab-case',
        },
      ],
      '@angular-eslint/prefer-on-push-component-change-detection': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@chat/contracts',
              importNames: contractClasses,
              allowTypeImports: true,
              message: 'Use `import type`: a value import would put class-validator in the browser bundle.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.html'],
    // Override or add rules here
    rules: {},
  },
];
