"""Build without debug info (here: strip it after the build), which
would otherwise make abidiff compare symbol names only."""
import subprocess

EXPECT = 'reject'
CAUGHT_BY = 'library has DWARF'


def edit(tree):
    pass


def postbuild(lib):
    subprocess.run(['objcopy', '--strip-debug', lib], check=True)
