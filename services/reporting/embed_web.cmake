# cmake -DOUT=file.c -DDIR=web -P embed_web.cmake: writes a C source with
# one byte array per file of DIR (sorted), named reporting_web_<name>_<ext>, plus its
# length, for the dashboard's embedded assets.
set(body "/* Generated from services/reporting/web by embed_web.cmake. */\n#include <stddef.h>\n")
file(GLOB FILES "${DIR}/*")
list(SORT FILES)
foreach(f IN LISTS FILES)
  get_filename_component(name "${f}" NAME)
  string(MAKE_C_IDENTIFIER "reporting_web_${name}" id)
  file(READ "${f}" hex HEX)
  string(LENGTH "${hex}" n)
  math(EXPR len "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "const unsigned char ${id}[] = {${bytes}0x00};\n")
  string(APPEND body "const size_t ${id}_len = ${len};\n")
endforeach()
file(WRITE "${OUT}" "${body}")
