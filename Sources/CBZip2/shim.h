// libbz2 (Debian's libbz2-dev; part of the macOS SDK): streaming bzip2 decompression of Wikipedia dumps.
#include <bzlib.h>
