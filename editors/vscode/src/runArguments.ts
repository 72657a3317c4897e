/** Run arguments typed in the input box could not be read: the message says where and how to fix it. */
export class ArgumentSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentSyntaxError';
  }
}

/**
 * Splits what a person typed as run arguments into words, the way a POSIX shell reads quotes: '...' is literal, "..."
 * keeps spaces (\" and \\ inside it are a quote and a backslash), and outside quotes a backslash escapes a quote, a space
 * or a backslash. Any other backslash stays, so Windows paths (C:\data) can be typed as they are.
 */
export function splitArguments(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) {
        throw unterminated("'", i);
      }
      word += text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\')) {
          j++;
        }
        word += text[j];
      }
      if (j >= text.length) {
        throw unterminated('"', i);
      }
      i = j;
    } else if (c === '\\' && i + 1 < text.length && /[\s'"\\]/.test(text[i + 1])) {
      word += text[++i];
    } else {
      word += c;
    }
  }
  if (inWord) {
    words.push(word);
  }
  return words;
}

function unterminated(quote: string, index: number): ArgumentSyntaxError {
  return new ArgumentSyntaxError(`The ${quote} at column ${index + 1} is never closed: close it, or write \\${quote} for a literal ${quote}.`);
}
