#!/usr/bin/env bash
# Hook caro into the user's shells, or unhook it. Called by install.sh; safe to run by hand.
#   scripts/install/rc.sh install --bin /abs/path/caro [--shells "zsh bash fish"]
#   scripts/install/rc.sh uninstall
# install adds exactly one line to ~/.zshrc (or $ZDOTDIR/.zshrc) and ~/.bashrc, and writes
# one conf.d file for fish; running it again changes nothing (or only updates the path).
# uninstall removes exactly those lines and that file; files, directories and a final
# newline that install created (listed in $XDG_DATA_HOME/caro/rc-created) go too, when
# nothing else was added to them since.
set -euo pipefail

marker='# added by caro install.sh (install.sh --uninstall removes it)'
data_dir=${XDG_DATA_HOME:-$HOME/.local/share}/caro
created_list=$data_dir/rc-created
zshrc=${ZDOTDIR:-$HOME}/.zshrc
bashrc=$HOME/.bashrc
fish_file=${XDG_CONFIG_HOME:-$HOME/.config}/fish/conf.d/caro.fish

die() {
    echo "rc.sh: $*" >&2
    exit 2
}

# Single-quote a word for sh-like shells and fish alike (no ' or \ in it, checked below).
q() { printf "'%s'" "$1"; }

# The one line for zsh/bash: skipped silently when caro is gone, so a removed binary never
# breaks the shell.
rc_line() { # shell bin
    # shellcheck disable=SC2016 # the $(...) is for the rc file, not for now
    printf 'if [ -x %s ]; then eval "$(%s init %s)"; fi %s' "$(q "$2")" "$(q "$2")" "$1" "$marker"
}

# Note what install created, so uninstall can take exactly that away again.
note() { # kind path
    if [ ! -d "$data_dir" ]; then
        make_dirs_unnoted "$data_dir"
    fi
    printf '%s %s\n' "$1" "$2" >>"$created_list"
}
noted() { [ -f "$created_list" ] && grep -qxF -- "$1 $2" "$created_list"; }

# mkdir -p, noting each directory it creates (outermost first).
make_dirs() { # dir
    local dir=$1 missing=()
    while [ ! -d "$dir" ]; do
        missing=("$dir" "${missing[@]}")
        dir=$(dirname "$dir")
    done
    mkdir -p "$1"
    for dir in "${missing[@]}"; do note dir "$dir"; done
}
make_dirs_unnoted() {
    local dir=$1 missing=()
    while [ ! -d "$dir" ]; do
        missing=("$dir" "${missing[@]}")
        dir=$(dirname "$dir")
    done
    mkdir -p "$1"
    printf '%s\n' "${missing[@]/#/dir }" >>"$created_list"
}

# Rewrite a file in place (same inode: symlinks and permissions stay) from stdin.
replace_contents() { # file
    local tmp
    tmp=$(mktemp)
    cat >"$tmp"
    cat "$tmp" >"$1"
    rm -f "$tmp"
}

add_line() { # file line
    local file=$1 line=$2
    if [ -f "$file" ] && grep -qxF -- "$line" "$file"; then
        echo "caro: $file already loads caro"
        return
    fi
    if [ -f "$file" ] && grep -qF -- "$marker" "$file"; then
        # An older line (another binary path): replace it where it is.
        awk -v m="$marker" -v l="$line" 'index($0, m) { print l; next } { print }' "$file" |
            replace_contents "$file"
        echo "caro: updated the caro line in $file"
        return
    fi
    if [ ! -e "$file" ]; then
        make_dirs "$(dirname "$file")"
        : >"$file"
        note file "$file"
    elif [ -s "$file" ] && [ "$(tail -c 1 "$file" | od -An -c | tr -d ' ')" != '\n' ]; then
        printf '\n' >>"$file"
        note newline "$file"
    fi
    printf '%s\n' "$line" >>"$file"
    echo "caro: added one line to $file"
}

remove_line() { # file
    local file=$1
    [ -f "$file" ] && grep -qF -- "$marker" "$file" || return 0
    grep -vF -- "$marker" "$file" | replace_contents "$file" || true
    echo "caro: removed the caro line from $file"
    if noted newline "$file"; then
        # $(...) drops trailing newlines: the file ends as it did before install.
        local content
        content=$(cat "$file")
        printf '%s' "$content" | replace_contents "$file"
    fi
    if [ ! -s "$file" ] && noted file "$file"; then
        rm -f "$file"
        echo "caro: removed $file (install had created it)"
    fi
}

has() { command -v "$1" >/dev/null 2>&1; }

install() {
    local bin='' shells=''
    while [ $# -gt 0 ]; do
        case $1 in
            --bin) bin=${2:?--bin needs a path}; shift 2 ;;
            --bin=*) bin=${1#--bin=}; shift ;;
            --shells) shells=${2:?--shells needs a list}; shift 2 ;;
            *) die "unknown option '$1' (see the header of $0)" ;;
        esac
    done
    [ -n "$bin" ] || die "install needs --bin /absolute/path/to/caro"
    case $bin in /*) ;; *) die "--bin must be an absolute path, got '$bin'" ;; esac
    case $bin in *"'"* | *\\*) die "the path '$bin' contains a quote or backslash; install caro elsewhere" ;; esac
    if [ -z "$shells" ]; then
        # Shells that are installed or already configured.
        has zsh || [ -e "$zshrc" ] && shells="$shells zsh"
        has bash || [ -e "$bashrc" ] && shells="$shells bash"
        has fish || [ -d "$(dirname "$(dirname "$fish_file")")" ] && shells="$shells fish"
    fi
    for sh in $shells; do
        case $sh in
            zsh) add_line "$zshrc" "$(rc_line zsh "$bin")" ;;
            bash) add_line "$bashrc" "$(rc_line bash "$bin")" ;;
            fish)
                local want
                want=$(printf '%s\ntest -x %s; and %s init fish | source\n' "$marker" "$(q "$bin")" "$(q "$bin")")
                if [ -f "$fish_file" ] && [ "$(cat "$fish_file")" = "$want" ]; then
                    echo "caro: $fish_file already loads caro"
                elif [ -e "$fish_file" ] && ! grep -qF -- "$marker" "$fish_file"; then
                    echo "caro: $fish_file exists and is not caro's; left alone" >&2
                else
                    make_dirs "$(dirname "$fish_file")"
                    printf '%s\n' "$want" >"$fish_file"
                    echo "caro: wrote $fish_file"
                fi
                ;;
            *) die "unknown shell '$sh' (zsh, bash or fish)" ;;
        esac
    done
}

uninstall() {
    [ $# -eq 0 ] || die "uninstall takes no options"
    remove_line "$zshrc"
    remove_line "$bashrc"
    if [ -f "$fish_file" ] && head -n 1 "$fish_file" | grep -qxF -- "$marker"; then
        rm -f "$fish_file"
        echo "caro: removed $fish_file"
    fi
    if [ -f "$created_list" ]; then
        # Directories install created, innermost first, if they are empty now.
        local dir dirs
        dirs=$(grep '^dir ' "$created_list" | sed 's/^dir //' | sort -r)
        rm -f "$created_list"
        while IFS= read -r dir; do
            [ -n "$dir" ] && { rmdir "$dir" 2>/dev/null || true; }
        done <<<"$dirs"
    fi
}

case ${1:-} in
    install) shift; install "$@" ;;
    uninstall) shift; uninstall "$@" ;;
    *) die "usage: $0 install --bin /abs/path/caro [--shells \"zsh bash fish\"] | $0 uninstall" ;;
esac
