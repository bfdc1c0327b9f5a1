/**
 * Which passwords HeatWatch accepts for a person's account (OWASP ASVS 2.1): long enough, not
 * one key held down, not the user name, not one of the passwords every guesser tries first.
 * Pure: the same rules for the admin password in the environment, new users and changes.
 */
export const MIN_PASSWORD_LENGTH = 10;

/** The top of public leak lists, plus what people here reach for (拼音, the product's name). */
const COMMON = new Set([
  '1234567890', '12345678910', '0123456789', '1234567890a', 'a123456789', '123456789a', '1qaz2wsx3edc',
  '1q2w3e4r5t', 'qwertyuiop', 'qwerty1234', 'qwerty12345', 'asdfghjkl1', 'zxcvbnm123', 'password12',
  'password123', 'password1234', 'passw0rd123', 'p@ssw0rd123', 'iloveyou12', 'abc1234567', 'abcd123456',
  'admin12345', 'admin123456', 'administrator', 'letmein123', 'welcome123', 'changeme123', 'woaini1314',
  'woaini520', '5201314520', '1314520520', 'aini1314520', 'heatwatch1', 'heatwatch123', 'heatwatch2026',
  'gongre12345', 'zhangsan123', '11111111111', '88888888888', '66666666666',
]);

/** Every reason `password` is refused for `username`, in English; empty when it is fine. */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) problems.push(`at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 0 && new Set(password).size === 1) problems.push('not one character repeated');
  if (username && password.toLowerCase() === username.toLowerCase()) problems.push('not the user name');
  if (COMMON.has(password.toLowerCase())) problems.push('not a commonly used password');
  return problems;
}
