#!/bin/sh
# setup.sh - Gradescope's image setup for a ligeiro lab (labs/README.md).
#
# Gradescope runs this once, as root, in its Ubuntu image, with the
# autograder's files in $AUTOGRADER_ROOT/source (/autograder/source): this
# folder and a file LAB naming the lab.  It installs what `make grade`
# needs; the kernel the QEMU host boots is fetched by the first grade.
set -eu
root=${AUTOGRADER_ROOT:-/autograder}
apt-get update
apt-get install -y make git
chmod +x "$root/source/run_autograder"
cp "$root/source/run_autograder" "$root/run_autograder"
