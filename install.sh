#!/usr/bin/env bash
# Install caro: build the release binary, install it, and hook it into your shells.
#   ./install.sh                 build + install to ~/.local/bin (or $CARO_INSTALL_DIR)
#   ./install.sh --no-modify-rc  do not touch shell rc files
#   ./install.sh --uninstall     remove exactly what an install added
set -euo pipefail
cd "$(dirname "$0")"

bin_dir=${CARO_INSTALL_DIR:-$HOME/.local/bin}
modify_rc=1
uninstall=0
for arg in "$@"; do
    case $arg in
        --no-modify-rc) modify_rc=0 ;;
        --uninstall) uninstall=1 ;;
        --bin-dir=*) bin_dir=${arg#--bin-dir=} ;;
        -h | --help)
            sed -n '2,5s/^# \{0,1\}//p' "$0"
            exit 0
            ;;
        *)
            echo "install.sh: unknown option '$arg' (see --help)" >&2
            exit 2
            ;;
    esac
done

if [ "$uninstall" = 1 ]; then
    if [ "$modify_rc" = 1 ]; then
        scripts/install/rc.sh uninstall
    fi
    rm -f "$bin_dir/caro"
    echo "caro: removed $bin_dir/caro"
    exit 0
fi

echo "caro: building the release binary (cargo build --release)"
cargo build --release --locked --quiet
mkdir -p "$bin_dir"
install -m 0755 target/release/caro "$bin_dir/caro.tmp"
mv -f "$bin_dir/caro.tmp" "$bin_dir/caro"
echo "caro: installed $bin_dir/caro"

if [ "$modify_rc" = 1 ]; then
    scripts/install/rc.sh install --bin "$bin_dir/caro"
else
    echo "caro: left your shell rc files alone; to enable Ctrl-G add one of:"
    echo "    eval \"\$(caro init zsh)\"     # ~/.zshrc"
    echo "    eval \"\$(caro init bash)\"    # ~/.bashrc"
    echo "    caro init fish | source       # ~/.config/fish/conf.d/caro.fish"
fi
