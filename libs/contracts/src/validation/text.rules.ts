import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';
import { passwordProblem } from '../lib/password';
import { displayNameProblem, emojiProblem, lineProblem, nameProblem, textProblem } from '../lib/text';

type Problem = (value: string, args: ValidationArguments) => string | null;

/** A class-validator rule from one of the contract's `...Problem` functions; non-strings are @IsString's to refuse. */
function rule(name: string, problem: Problem) {
  return (options?: ValidationOptions): PropertyDecorator =>
    ValidateBy(
      {
        name,
        validator: {
          validate: (value: unknown, args?: ValidationArguments) => typeof value !== 'string' || !args || problem(value, args) === null,
          defaultMessage: (args?: ValidationArguments) =>
            (args && typeof args.value === 'string' && problem(args.value, args)) || `${args?.property ?? 'value'} is not acceptable`,
        },
      },
      options,
    );
}

/** Free text (bodies, reasons): no NUL or other control characters but tab and line breaks, valid Unicode. */
export const IsText = rule('isText', (value, args) => textProblem(value, args.property));
/** One line (queries, ids, cursors): no control characters at all, valid Unicode. */
export const IsLine = rule('isLine', (value, args) => lineProblem(value, args.property));
/** A name others see (rooms): one line, no bidi overrides or isolates. */
export const IsName = rule('isName', (value, args) => nameProblem(value, args.property));
/** A display name: a name that does not impersonate the service or its staff. */
export const IsDisplayName = rule('isDisplayName', (value, args) => displayNameProblem(value, args.property));
/** A reaction's emoji: exactly one emoji. */
export const IsEmoji = rule('isEmoji', (value, args) => emojiProblem(value, args.property));
/** The password policy, against the `username` of the same object. */
export const IsAcceptedPassword = rule('isAcceptedPassword', (value, args) => {
  const username: unknown = (args.object as { username?: unknown }).username;
  return passwordProblem(value, typeof username === 'string' ? username : undefined);
});
