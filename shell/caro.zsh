# caro: the Ctrl-G widget for zsh. Printed by `caro init zsh`; load it from ~/.zshrc with
#   eval "$(caro init zsh)"
# Type a request in plain words, press the key: caro's validated command replaces the
# request in the line editor. Nothing runs until you press Enter.
# `caro init` writes in the binary path, the timeout, the key and the file names.

# Widgets only make sense in an interactive shell with a line editor.
[[ -o interactive && -o zle ]] || return 0
# sysread (a read with a timeout that never blocks past it), $sysparams, $EPOCHREALTIME.
zmodload zsh/system zsh/datetime || return 0

typeset -g __caro_bin=__CARO_BIN__
typeset -g __caro_history=__CARO_HISTORY__
typeset -g __caro_last_file=__CARO_LAST_FILE__
typeset -g __caro_key=__CARO_KEY_LABEL__
# A hung helper must never hang the prompt: the widget stops waiting after this many
# seconds, slightly longer than the helper's own deadline.
typeset -g __caro_timeout_s=__CARO_TIMEOUT_S__
# Candidates of the last answer (for cycling), their info lines, and the request they
# answer (restored at the end of the cycle).
typeset -ga __caro_cands __caro_infos
typeset -g __caro_request=''

# One line under the buffer; stays until the next redisplay that changes it.
__caro_say() {
    zle -M -- "caro: ${1[1,COLUMNS-7]}"
}

# Show candidate $1, cursor at the end, and remember it as the last accepted suggestion.
__caro_show() {
    local i=$1 n=$#__caro_cands
    BUFFER=${__caro_cands[i]}
    CURSOR=$#BUFFER
    { print -r -- "$BUFFER" >| $__caro_last_file } 2>/dev/null
    if (( n > 1 )); then
        __caro_say "${__caro_infos[i]}  ($i/$n, $__caro_key: next)"
    else
        __caro_say "${__caro_infos[i]}"
    fi
}

# Completion function behind the menu: the candidates as they are (-Q), regardless of what
# is typed (-U), no suffix, in caro's order (-V), one per line with their info; candidate
# number $__caro_pick is the one inserted.
__caro_complete() {
    emulate -L zsh
    local -a shown
    local i
    for (( i = 1; i <= $#__caro_cands; i++ )); do
        shown+=("${__caro_cands[i]//$'\n'/ }  -- ${__caro_infos[i]}")
    done
    compadd -V caro -Q -U -S '' -l -d shown -a __caro_cands
    compstate[insert]=$__caro_pick
    compstate[list]='list force'
}

# Several candidates: insert number $1 through menu completion, so the list of all of them
# (with their info) shows under the line. Falls back to the plain insert.
__caro_show_menu() {
    typeset -g __caro_pick=$1
    BUFFER=''
    zle __caro_menu
    if [[ $BUFFER != "${__caro_cands[$1]}" ]]; then
        __caro_show $1
        return
    fi
    CURSOR=$#BUFFER
    { print -r -- "$BUFFER" >| $__caro_last_file } 2>/dev/null
}

# While a menu is up, Tab moves to the next candidate (round the list); anywhere else it
# gives Tab back to whatever it was bound to and runs that.
typeset -g __caro_tab_orig=''
__caro_tab() {
    emulate -L zsh
    local i=${__caro_cands[(ie)$BUFFER]}
    if [[ $LASTWIDGET == (__caro_widget|__caro_tab) ]] && (( i <= $#__caro_cands )); then
        __caro_show_menu $(( i % $#__caro_cands + 1 ))
        return 0
    fi
    local orig=${__caro_tab_orig:-expand-or-complete}
    __caro_untab
    zle $orig
}

__caro_untab() {
    [[ -n $__caro_tab_orig ]] || return 0
    bindkey '^I' $__caro_tab_orig
    __caro_tab_orig=''
}

__caro_widget() {
    emulate -L zsh
    setopt localtraps

    # Pressed again right after a suggestion (or after Tab in its menu): next candidate,
    # and back to the request after the last one.
    if (( $#__caro_cands )) && [[ $LASTWIDGET == (__caro_widget|__caro_tab) ]]; then
        local i=${__caro_cands[(ie)$BUFFER]}
        if (( i < $#__caro_cands )); then
            __caro_show_menu $(( i + 1 ))
            return 0
        elif (( i == $#__caro_cands )); then
            BUFFER=$__caro_request
            CURSOR=$#BUFFER
            __caro_cands=()
            __caro_untab
            __caro_say "back to your request ($__caro_key asks again)"
            return 0
        fi
    fi
    __caro_cands=()
    __caro_untab

    local request=$BUFFER
    if [[ -z ${request//[[:space:]]/} ]]; then
        __caro_say "type what you want to do in plain words, then press $__caro_key"
        return 0
    fi
    # A request recalled from history carries the comment marks caro added there.
    if [[ $request == '# '* && $request != *$'\n'[^#]* ]]; then
        request=${(F)${${(f)request}#\# }}
    fi
    if [[ ! -x $__caro_bin ]]; then
        __caro_say "helper not found at $__caro_bin: reinstall caro, then run: exec zsh"
        return 0
    fi

    # The helper runs in a process substitution so the widget can stop waiting for it at
    # a deadline, without spawning a `timeout` process. It gets the request as one
    # argument after `--`: data, never code. Its stdin is /dev/null here anyway; stderr
    # would scribble over the editor. It prints its pid first (it then execs caro).
    # Ctrl-C must only stop the helper: without a trap zsh aborts the widget and the line is
    # lost. (BUFFER is read-only inside a trap, so the trap only raises a flag.)
    local interrupted=0
    trap 'interrupted=1' INT
    local fd out='' chunk waited=eof pid
    exec {fd}< <(print -r -- $sysparams[pid]
        CARO_SHELL=zsh CARO_KNOWN_COMMANDS="${(k)functions} ${(k)aliases}" \
            exec $__caro_bin suggest --format widget --shell zsh --progress \
            -- "$request" 2>/dev/null </dev/null)
    # Short slices: a trap only runs between them, and Ctrl-C must answer at once.
    local deadline=$(( EPOCHREALTIME + __caro_timeout_s ))
    while (( ! interrupted )); do
        if (( EPOCHREALTIME >= deadline )); then
            waited=timeout
            break
        fi
        chunk=''
        sysread -t 0.05 -i $fd chunk
        case $? in
            0) out+=$chunk ;;
            4) ;;
            5) break ;;
            *) waited=failed; break ;;
        esac
    done
    (( interrupted )) && waited=interrupted
    exec {fd}<&-
    pid=${out%%$'\n'*}
    out=${out#*$'\n'}
    if [[ $waited != eof && $pid == <-> ]]; then
        # TERM for a cancel (the terminal's Ctrl-C never reached it), KILL for a hang.
        if [[ $waited == interrupted ]]; then kill -TERM $pid; else kill -KILL $pid; fi 2>/dev/null
    fi
    # The helper drew its progress indicator on the terminal: redraw everything.
    zle reset-prompt

    local -a lines=("${(@f)out}")
    if [[ ${lines[1]} != 'caro-widget 1' ]]; then
        case $waited in
            interrupted) __caro_say "cancelled; your line is unchanged" ;;
            timeout) __caro_say "no answer within ${__caro_timeout_s}s (timed out); your line is unchanged" ;;
            *) __caro_say "the helper failed without an answer; your line is unchanged (see: caro doctor)" ;;
        esac
        return 0
    fi

    local line value st='' msg=''
    local -a cands infos
    for line in "${(@)lines[2,-1]}"; do
        # Values are escaped to one line (\\ and \n only); %b undoes exactly that.
        printf -v value '%b' "${line#* }"
        case $line in
            'status '*) st=$value ;;
            'cmd '*) cands+=("$value") ;;
            'info '*) infos+=("$value") ;;
            'msg '*) msg=$value ;;
        esac
    done

    case $st in
        ok)
            if (( ! $#cands )); then
                __caro_say "the helper answered ok without a command; your line is unchanged"
                return 0
            fi
            ;;
        blocked) __caro_say "blocked: ${msg:-refused by the safety policy}; nothing inserted"; return 0 ;;
        none) __caro_say "${msg:-no confident suggestion}"; return 0 ;;
        *) __caro_say "${msg:-the helper reported an error}"; return 0 ;;
    esac

    if (( __caro_history )); then
        # Commented out, so recalling it and pressing Enter runs nothing.
        print -s -- "${(F)${(f)request}/#/# }"
    fi
    __caro_request=$BUFFER
    __caro_cands=("${cands[@]}")
    __caro_infos=("${infos[@]}")
    if (( $#cands > 1 )); then
        # Tab moves through the menu until the line is accepted.
        local tab
        tab=$(bindkey '^I')
        __caro_tab_orig=${${(z)tab}[2]:-expand-or-complete}
        bindkey '^I' __caro_tab
        __caro_show_menu 1
    else
        __caro_show 1
    fi
    return 0
}

zle -N __caro_widget
zle -N __caro_tab
zle -C __caro_menu menu-complete __caro_complete
# Tab is given back when the line is accepted (zsh 5.3+), else before the next prompt.
if autoload -Uz add-zle-hook-widget 2>/dev/null && add-zle-hook-widget line-finish __caro_untab 2>/dev/null; then
    :
else
    autoload -Uz add-zsh-hook && add-zsh-hook precmd __caro_untab
fi
