// The completion scripts `spool completion bash|zsh|fish` prints. Each only passes the words on
// the command line to `spool __complete -- WORDS...` and shows what comes back: one suggestion
// per line (`word<TAB>description`), or the single line `:files` for file names. The command
// that runs is the one being completed (`spool`, or a path to it), so it is always the same spool.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export const FILES_DIRECTIVE = ':files';

const BASH = `# spool completion for bash. Load it with
#   source <(spool completion bash)
# or save it as ~/.local/share/bash-completion/completions/spool
_spool_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]} out line tab=$'\\t'
  out=$("\${COMP_WORDS[0]}" __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
  COMPREPLY=()
  if [[ $out == "${FILES_DIRECTIVE}" ]]; then
    compopt -o filenames 2>/dev/null
    local IFS=$'\\n'
    COMPREPLY=($(compgen -f -- "$cur"))
    return 0
  fi
  while IFS= read -r line; do
    [[ -n $line ]] && COMPREPLY+=("\${line%%"$tab"*}")
  done <<< "$out"
  return 0
}
complete -F _spool_complete spool
`;

const ZSH = `#compdef spool
# spool completion for zsh. Load it with
#   source <(spool completion zsh)
# or save it as _spool in a directory of your $fpath
_spool() {
  local out line tab=$'\\t'
  local -a suggestions
  out=$("\${words[1]}" __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  if [[ $out == "${FILES_DIRECTIVE}" ]]; then
    _files
    return
  fi
  for line in "\${(@f)out}"; do
    [[ -z $line ]] && continue
    if [[ $line == *\${tab}* ]]; then
      suggestions+=("\${\${line%%\${tab}*}//:/\\\\:}:\${line#*\${tab}}")
    else
      suggestions+=("\${line//:/\\\\:}")
    fi
  done
  _describe -t spool 'spool' suggestions
}
if (( $+functions[compdef] )); then
  compdef _spool spool
fi
`;

const FISH = `# spool completion for fish. Load it with
#   spool completion fish | source
# or save it as ~/.config/fish/completions/spool.fish
function __spool_complete
    set -l words (commandline -opc)
    set -l cmd $words[1]
    set -e words[1]
    set -l current (commandline -ct)
    set -l out ($cmd __complete -- $words $current 2>/dev/null)
    if test "$out" = "${FILES_DIRECTIVE}"
        __fish_complete_path $current
        return
    end
    printf '%s\\n' $out
end
complete -c spool -f -a '(__spool_complete)'
`;

export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return BASH;
    case 'zsh':
      return ZSH;
    case 'fish':
      return FISH;
  }
}
