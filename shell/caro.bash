# shellcheck shell=bash
# caro: the Ctrl-G widget for bash. Printed by `caro init bash`; load it from ~/.bashrc with
#   eval "$(caro init bash)"
# Type a request in plain words, press the key: caro's validated command replaces the
# request in the line editor. Nothing runs until you press Enter.
# `caro init` writes in the binary path, the timeout, the key and the file names.

# Key bindings only make sense in an interactive shell.
[[ $- == *i* ]] || return 0

if ((BASH_VERSINFO[0] < 4)); then
    # bash 3.2 (macOS /bin/bash) has no READLINE_LINE: a widget cannot read or write the line.
    printf 'caro: the %s widget needs bash 4 or newer (this is bash %s); install a newer bash (macOS: brew install bash) or use zsh or fish\n' \
        __CARO_KEY_LABEL__ "$BASH_VERSION" >&2
    return 0
fi

__caro_bin=__CARO_BIN__
# A hung helper must never hang the prompt: the widget stops waiting after this many
# seconds, slightly longer than the helper's own deadline.
__caro_timeout_s=__CARO_TIMEOUT_S__
__caro_history=__CARO_HISTORY__
__caro_last_file=__CARO_LAST_FILE__
__caro_key=__CARO_KEY_LABEL__
# Candidates of the last answer (for cycling), their info lines, and the request they
# answer (restored at the end of the cycle).
__caro_cands=()
__caro_infos=()
__caro_request=''

# readline hides the prompt while a `bind -x` function runs and redraws it below whatever
# the function printed: the message lands on its own line right above the prompt.
__caro_say() {
    local text="caro: $1"
    printf '\r\033[K%s\n' "${text:0:${COLUMNS:-80}-1}" >/dev/tty
}

# READLINE_POINT counts bytes in some bash versions and characters in others; the byte
# count is never short of the end, and readline clamps it.
__caro_point_at_end() {
    local LC_ALL=C
    READLINE_POINT=${#READLINE_LINE}
}

# Show candidate $1 (0-based), cursor at the end; remember it as the last accepted one.
__caro_show() {
    local i=$1 n=${#__caro_cands[@]}
    READLINE_LINE=${__caro_cands[i]}
    __caro_point_at_end
    { printf '%s\n' "$READLINE_LINE" >|"$__caro_last_file"; } 2>/dev/null
    if ((n > 1)); then
        __caro_say "${__caro_infos[i]}  ($((i + 1))/$n, $__caro_key: next)"
    else
        __caro_say "${__caro_infos[i]}"
    fi
}

__caro_widget() {
    local i
    # Pressed again right after a suggestion: next candidate, and back to the request
    # after the last one.
    if ((${#__caro_cands[@]})); then
        for i in "${!__caro_cands[@]}"; do
            [[ $READLINE_LINE == "${__caro_cands[i]}" ]] || continue
            if ((i + 1 < ${#__caro_cands[@]})); then
                __caro_show $((i + 1))
            else
                READLINE_LINE=$__caro_request
                __caro_point_at_end
                __caro_cands=()
                __caro_say "back to your request ($__caro_key asks again)"
            fi
            return 0
        done
    fi
    __caro_cands=()

    local request=$READLINE_LINE
    if [[ -z ${request//[[:space:]]/} ]]; then
        __caro_say "type what you want to do in plain words, then press $__caro_key"
        return 0
    fi
    # A request recalled from history carries the comment marks caro added there.
    if [[ $request == '# '* && $request != *$'\n'[^#]* ]]; then
        request=${request#\# }
        request=${request//$'\n'# /$'\n'}
    fi
    if [[ ! -x $__caro_bin ]]; then
        __caro_say "helper not found at $__caro_bin: reinstall caro, then run: exec bash"
        return 0
    fi

    # Ctrl-C must only stop the helper: without a trap bash aborts the function and the
    # line is lost. Traps are global in bash, so the user's own INT trap is put back.
    local saved_trap interrupted=0
    saved_trap=$(trap -p INT)
    trap 'interrupted=1' INT
    # The helper runs in a process substitution so `read -t` can stop waiting for it at a
    # deadline without a `timeout` process. The request is one argument after `--`: data,
    # never code.
    local fd out='' rc last_bg=${!-} pid
    exec {fd}< <(CARO_SHELL=bash CARO_KNOWN_COMMANDS="${!BASH_ALIASES[*]}" \
        exec "$__caro_bin" suggest --format widget --shell bash --progress \
        -- "$request" 2>/dev/null </dev/null)
    pid=$!
    IFS= read -r -d '' -t "$__caro_timeout_s" -u "$fd" out
    rc=$?
    exec {fd}<&-
    local waited=eof
    if ((rc > 128)); then
        waited=timeout
        ((interrupted)) && waited=interrupted
        # Only a pid this call created (bash < 4.4 does not set $! here): TERM for a cancel,
        # KILL for a hang.
        if [[ $pid != "$last_bg" ]]; then
            if ((interrupted)); then kill -TERM "$pid"; else kill -KILL "$pid"; fi 2>/dev/null
        fi
    elif [[ $pid != "$last_bg" ]]; then
        wait "$pid" 2>/dev/null
        rc=$?
    fi
    # The terminal's Ctrl-C reaches the helper too, which may exit 130 before `read` sees
    # the signal.
    if ((interrupted || rc == 130)); then
        waited=interrupted
    fi
    trap - INT
    [[ -n $saved_trap ]] && eval "$saved_trap"

    local -a lines
    mapfile -t lines <<<"$out"
    if [[ ${lines[0]} != 'caro-widget 1' ]]; then
        case $waited in
            interrupted) __caro_say "cancelled; your line is unchanged" ;;
            timeout) __caro_say "no answer within ${__caro_timeout_s}s (timed out); your line is unchanged" ;;
            *) __caro_say "the helper failed (exit $rc) without an answer; your line is unchanged (see: caro doctor)" ;;
        esac
        return 0
    fi

    local line value st='' msg=''
    local -a cands=() infos=()
    for line in "${lines[@]:1}"; do
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
            if ((!${#cands[@]})); then
                __caro_say "the helper answered ok without a command; your line is unchanged"
                return 0
            fi
            ;;
        blocked)
            __caro_say "blocked: ${msg:-refused by the safety policy}; nothing inserted"
            return 0
            ;;
        none)
            __caro_say "${msg:-no confident suggestion}"
            return 0
            ;;
        *)
            __caro_say "${msg:-the helper reported an error}"
            return 0
            ;;
    esac

    if ((__caro_history)); then
        # Commented out, so recalling it and pressing Enter runs nothing.
        history -s "# ${request//$'\n'/$'\n'# }"
    fi
    __caro_request=$READLINE_LINE
    __caro_cands=("${cands[@]}")
    __caro_infos=("${infos[@]}")
    __caro_show 0
}
