import { graphemes } from '../text/display-width.js';

export type LoginMode = 'login' | 'signup';

/** What the login screen holds while the user types. */
export interface LoginFields {
  readonly name: string;
  readonly password: string;
  readonly field: 'name' | 'password';
  readonly mode: LoginMode;
}

export type LoginAction =
  | { readonly type: 'type'; readonly text: string }
  | { readonly type: 'backspace' }
  | { readonly type: 'switchField' }
  | { readonly type: 'toggleMode' }
  | { readonly type: 'focus'; readonly field: 'name' | 'password' };

export function initialLoginFields(initialName: string | undefined): LoginFields {
  return { name: initialName ?? '', password: '', field: initialName ? 'password' : 'name', mode: 'login' };
}

/** Pure editing of the login fields (Enter, which submits, is the screen's business). */
export function loginReducer(state: LoginFields, action: LoginAction): LoginFields {
  const key = state.field;
  switch (action.type) {
    case 'type': {
      // Control characters never belong in a name or password (a burst's keys are split before this).
      const text = action.text.replace(/[\u0000-\u001f\u007f]/g, '');
      return text === '' ? state : { ...state, [key]: state[key] + text };
    }
    case 'backspace': {
      const parts = graphemes(state[key]);
      return parts.length === 0 ? state : { ...state, [key]: state[key].slice(0, state[key].length - parts[parts.length - 1]!.length) };
    }
    case 'switchField':
      return { ...state, field: key === 'name' ? 'password' : 'name' };
    case 'toggleMode':
      return { ...state, mode: state.mode === 'login' ? 'signup' : 'login' };
    case 'focus':
      return { ...state, field: action.field };
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
}
