// Shell completion, decided in Node from the commander tree itself, so the scripts stay a few
// lines and never drift from the real commands: given the words typed after `spool` (the last
// one being completed, possibly empty), say what may come next — subcommands, flags, an
// option's choices, topic or group names (asked of the broker by the caller), or file names.
import type { Argument, Command, Option } from 'commander';

export interface Suggestion {
  word: string;
  description: string;
}

export type Completion =
  | { kind: 'words'; suggestions: Suggestion[] }
  | { kind: 'topics' }
  | { kind: 'groups' }
  | { kind: 'files' }
  | { kind: 'none' };

export interface Analysis {
  completion: Completion;
  /** The word being completed. */
  current: string;
  /** --data-dir and --socket as typed, to ask the right broker for names. */
  dataDir?: string;
  socket?: string;
}

/** Commands whose names start with this are internal (`__complete`) and never suggested. */
const HIDDEN_PREFIX = '__';

const TOPIC_OPTIONS = new Set(['--topic']);
const GROUP_OPTIONS = new Set(['--group']);
const FILE_OPTIONS = new Set(['--file', '--data-dir', '--socket']);

export function analyseWords(program: Command, words: readonly string[]): Analysis {
  const typed = words.slice(0, -1);
  const current = words[words.length - 1] ?? '';
  const chain: Command[] = [program];
  let command = program;
  let positional = 0;
  const result: Omit<Analysis, 'completion' | 'current'> = {};
  for (let i = 0; i < typed.length; i++) {
    const word = typed[i]!;
    if (word.startsWith('-') && word !== '-' && word !== '--') {
      const eq = word.startsWith('--') ? word.indexOf('=') : -1;
      const name = eq < 0 ? word : word.slice(0, eq);
      const option = findOption(chain, name);
      if (option === undefined || !takesValue(option)) continue;
      if (eq < 0 && i + 1 === typed.length) return { ...result, current, completion: optionValues(option) };
      const value = eq < 0 ? typed[++i]! : word.slice(eq + 1);
      if (option.long === '--data-dir') result.dataDir = value;
      if (option.long === '--socket') result.socket = value;
      continue;
    }
    const sub = positional === 0 ? visibleCommands(command).find((c) => c.name() === word || c.aliases().includes(word)) : undefined;
    if (sub !== undefined) {
      command = sub;
      chain.push(sub);
    } else if (word !== '--') positional++;
  }
  if (current.startsWith('-')) return { ...result, current, completion: { kind: 'words', suggestions: flagsOf(chain, current) } };
  const subs = positional === 0 ? visibleCommands(command) : [];
  if (subs.length > 0) {
    return { ...result, current, completion: { kind: 'words', suggestions: subs.map((c) => ({ word: c.name(), description: c.description() })) } };
  }
  return { ...result, current, completion: argumentValues(command, positional) };
}

/** Keep the suggestions that start with what is typed. */
export function matching(suggestions: readonly Suggestion[], current: string): Suggestion[] {
  return suggestions.filter((s) => s.word.startsWith(current));
}

function visibleCommands(command: Command): Command[] {
  return command.commands.filter((c) => !c.name().startsWith(HIDDEN_PREFIX));
}

function findOption(chain: readonly Command[], name: string): Option | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const found = chain[i]!.options.find((o) => o.long === name || o.short === name);
    if (found !== undefined) return found;
  }
  return undefined;
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

function flagsOf(chain: readonly Command[], current: string): Suggestion[] {
  const seen = new Set<string>();
  const flags: Suggestion[] = [];
  const add = (word: string | undefined, description: string) => {
    if (word === undefined || seen.has(word)) return;
    seen.add(word);
    flags.push({ word, description });
  };
  // The command's own flags first, then those of its parents (the global ones).
  for (let i = chain.length - 1; i >= 0; i--) {
    for (const option of chain[i]!.options) {
      if (option.hidden) continue;
      add(option.long, option.description);
      // Short flags only once a single dash is typed, so `--<TAB>` stays a readable list.
      if (!current.startsWith('--')) add(option.short, option.description);
    }
  }
  add('--help', 'show help');
  if (!current.startsWith('--')) add('-h', 'show help');
  return matching(flags, current);
}

function optionValues(option: Option): Completion {
  if (option.argChoices !== undefined) return { kind: 'words', suggestions: option.argChoices.map((word) => ({ word, description: '' })) };
  const long = option.long ?? '';
  if (TOPIC_OPTIONS.has(long)) return { kind: 'topics' };
  if (GROUP_OPTIONS.has(long)) return { kind: 'groups' };
  if (FILE_OPTIONS.has(long)) return { kind: 'files' };
  return { kind: 'none' };
}

function argumentValues(command: Command, index: number): Completion {
  const args = command.registeredArguments;
  const last = args[args.length - 1];
  const arg: Argument | undefined = args[index] ?? (last?.variadic ? last : undefined);
  if (arg === undefined) return { kind: 'none' };
  if (arg.argChoices !== undefined) return { kind: 'words', suggestions: arg.argChoices.map((word) => ({ word, description: '' })) };
  const name = arg.name();
  if (name === 'topic' || name === 'topics' || (name === 'name' && command.parent?.name() === 'topic')) return { kind: 'topics' };
  if (name === 'group') return { kind: 'groups' };
  if (name === 'file' || name === 'path') return { kind: 'files' };
  return { kind: 'none' };
}
