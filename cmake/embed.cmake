# pw_embed_sql(OUT_VAR COMPONENT file...): turns versioned migration files
# (NNN_name.sql) into a C source defining one pw_migration_t table per
# component, so binaries carry their schema and need no files at run time.
function(pw_embed_sql out component)
  set(src "${CMAKE_CURRENT_BINARY_DIR}/migrations_${component}.c")
  # A list would split into separate arguments: pass the files "|"-joined.
  string(REPLACE ";" "|" joined "${ARGN}")
  add_custom_command(
    OUTPUT "${src}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${src} -DCOMPONENT=${component}
            "-DFILES=${joined}" -P "${PROJECT_SOURCE_DIR}/cmake/embed_sql.cmake"
    DEPENDS ${ARGN} "${PROJECT_SOURCE_DIR}/cmake/embed_sql.cmake"
    COMMENT "Embedding ${component} migrations"
    VERBATIM)
  set(${out} "${src}" PARENT_SCOPE)
endfunction()
