// spool completion bash|zsh|fish (SPEC §3 completion): print a completion script; and the hidden
// `spool __complete -- WORDS...` those scripts call on every TAB, which answers from the commander
// tree (commands, flags, choices) and from a running broker (topic and group names; nothing when
// none runs, and never an error: completion stays quiet).
import { Argument, type Command } from 'commander';
import { SHELLS, completionScript, type Shell } from '../completion/completion-scripts.js';
import { writeOut, type CliIo } from '../../term/io.js';
import { subcommand } from '../program.js';

export function registerCompletion(program: Command, io: CliIo): void {
  subcommand(program, 'completion', 'print a shell completion script (commands, flags, topic and group names)')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      `
Examples:
  source <(spool completion bash)                 in ~/.bashrc
  source <(spool completion zsh)                  in ~/.zshrc (after compinit)
  spool completion fish > ~/.config/fish/completions/spool.fish

Topic and group names come from the running broker; with none running they are not offered.`,
    )
    .action(async (shell: Shell) => {
      await writeOut(io.stdout, completionScript(shell));
    });

  program
    .command('__complete', { hidden: true })
    .description('suggestions for the completion scripts')
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .exitOverride()
    .action(async (words: string[]) => {
      // Loaded on TAB only: `spool --help` and the other commands skip the word analysis.
      const { suggestions } = await import('../completion/suggestions.js');
      await writeOut(io.stdout, await suggestions(program, words, io));
    });
}
