# caro: the Ctrl-G widget for fish. Printed by `caro init fish`; load it from
# ~/.config/fish/config.fish (or a conf.d file) with
#   caro init fish | source
# Type a request in plain words, press the key: caro's validated command replaces the
# request in the line editor. Nothing runs until you press Enter.
# `caro init` writes in the binary path, the timeout, the key and the file names.

set -g __caro_bin __CARO_BIN__
# A hung helper must never hang the prompt: coreutils `timeout`, slightly longer than the
# helper's own deadline (empty when `timeout` is not installed).
set -g __caro_timeout __CARO_TIMEOUT__
set -g __caro_timeout_s __CARO_TIMEOUT_S__
set -g __caro_history __CARO_HISTORY__
set -g __caro_last_file __CARO_LAST_FILE__
set -g __caro_key __CARO_KEY_LABEL__
# Candidates of the last answer (for cycling), their info lines, and the request they
# answer (restored at the end of the cycle).
set -g __caro_cands
set -g __caro_infos
set -g __caro_request ''

# fish has no status line: print the message on its own line where the prompt starts and
# let the repaint draw the prompt below it.
function __caro_say
    set -l up (math (commandline -L) - 1)
    if test $up -gt 0
        printf '\e[%dA' $up >/dev/tty
    end
    set -l text (string shorten --max (math $COLUMNS - 1) -- "caro: $argv[1]" 2>/dev/null; or echo "caro: $argv[1]")
    printf '\r\e[J%s\n' $text[1] >/dev/tty
    commandline -f repaint
end

# Show candidate $argv[1], cursor at the end; remember it as the last accepted one.
function __caro_show
    set -l i $argv[1]
    set -l n (count $__caro_cands)
    set -l info $__caro_infos[$i]
    if test $n -gt 1
        set info "$info  ($i/$n, $__caro_key: next)"
    end
    __caro_say $info
    commandline -r -- $__caro_cands[$i]
    commandline -C (string length -- $__caro_cands[$i])
    printf '%s\n' $__caro_cands[$i] >$__caro_last_file 2>/dev/null
end

# fish has no builtin to add a history entry: append one to fish's history file in its
# own format, then merge it into this session so Up finds it at once.
function __caro_remember -a request
    set -q fish_private_mode; and test -n "$fish_private_mode"; and return
    set -l name fish
    set -q fish_history; and set name $fish_history
    test -n "$name"; or return
    set -l dir ~/.local/share/fish
    set -q XDG_DATA_HOME; and test -n "$XDG_DATA_HOME"; and set dir $XDG_DATA_HOME/fish
    # Commented out, so recalling it and pressing Enter runs nothing.
    set -l entry (string replace -ra '(?m)^' '# ' -- $request | string collect)
    set entry (string replace -a '\\' '\\\\' -- $entry | string replace -a \n '\\n' | string collect)
    printf '- cmd: %s\n  when: %s\n' $entry (date +%s) >>$dir/$name"_history" 2>/dev/null
    and history merge 2>/dev/null
end

function __caro_widget
    set -l buf (commandline | string collect)

    # Pressed again right after a suggestion: next candidate, and back to the request
    # after the last one.
    if set -q __caro_cands[1]
        set -l i (contains -i -- "$buf" $__caro_cands)
        if test -n "$i"
            if test $i -lt (count $__caro_cands)
                __caro_show (math $i + 1)
            else
                set -g __caro_cands
                __caro_say "back to your request ($__caro_key asks again)"
                commandline -r -- $__caro_request
                commandline -C (string length -- $__caro_request)
            end
            return 0
        end
    end
    set -g __caro_cands

    set -l request $buf
    if not string match -qr '\S' -- "$request"
        __caro_say "type what you want to do in plain words, then press $__caro_key"
        return 0
    end
    # A request recalled from history carries the comment marks caro added there.
    if string match -q '# *' -- "$request"; and not string match -qr '\n[^#]' -- "$request"
        set request (string replace -ra '(?m)^# ' '' -- "$request" | string collect)
    end
    if not test -x "$__caro_bin"
        __caro_say "helper not found at $__caro_bin: reinstall caro, then run: exec fish"
        return 0
    end

    # The request is one argument after `--`: data, never code. Ctrl-C cancels this
    # function before the line is touched, so the buffer survives by construction.
    set -l known (functions -n | string join ' ')
    set -g __caro_busy 1
    set -l lines (CARO_SHELL=fish CARO_KNOWN_COMMANDS=$known \
        $__caro_timeout $__caro_bin suggest --format widget --shell fish --progress \
        -- "$request" 2>/dev/null </dev/null)
    set -l rc $status
    set -e __caro_busy

    if test "$lines[1]" != 'caro-widget 1'
        switch $rc
            case 130
                __caro_say "cancelled; your line is unchanged"
            case 124 137
                __caro_say "no answer within "$__caro_timeout_s"s (timed out); your line is unchanged"
            case 126 127
                __caro_say "could not run $__caro_bin (exit $rc): reinstall caro, then run: exec fish"
            case '*'
                __caro_say "the helper failed (exit $rc) without an answer; your line is unchanged (see: caro doctor)"
        end
        return 0
    end

    set -l st
    set -l msg
    set -l cands
    set -l infos
    for line in $lines[2..-1]
        # Values are escaped to one line (\\ and \n only); %b undoes exactly that.
        set -l value (printf '%b' (string replace -r '^\S+ ?' '' -- $line) | string collect)
        switch $line
            case 'status *'
                set st $value
            case 'cmd *'
                set -a cands $value
            case 'info *'
                set -a infos $value
            case 'msg *'
                set msg $value
        end
    end

    switch "$st"
        case ok
            if not set -q cands[1]
                __caro_say "the helper answered ok without a command; your line is unchanged"
                return 0
            end
        case blocked
            test -n "$msg"; or set msg "refused by the safety policy"
            __caro_say "blocked: $msg; nothing inserted"
            return 0
        case none
            test -n "$msg"; or set msg "no confident suggestion"
            __caro_say $msg
            return 0
        case '*'
            test -n "$msg"; or set msg "the helper reported an error"
            __caro_say $msg
            return 0
    end

    if test "$__caro_history" = 1
        __caro_remember $request
    end
    set -g __caro_request $buf
    set -g __caro_cands $cands
    set -g __caro_infos $infos
    __caro_show 1
end

# Ctrl-C while the helper runs cancels the widget before it can repaint: a helper killed
# mid-drawing would leave its indicator on the line, so repaint here.
function __caro_on_sigint --on-signal SIGINT
    if set -q __caro_busy
        set -e __caro_busy
        commandline -f repaint
    end
end

# A new command line starts a new cycle.
function __caro_forget --on-event fish_preexec
    set -g __caro_cands
end

# `!!caro` (anywhere on the line) expands to the last accepted suggestion. Abbreviations
# expand on Enter too, so they never ask a model: they only read what caro already wrote.
function __caro_abbr_last
    test -r $__caro_last_file; or return 1
    string collect <$__caro_last_file
end
