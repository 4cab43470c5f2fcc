# Runs inside CPack (CPACK_PRE_BUILD_SCRIPTS) after the files are staged and
# before the .deb is made: adds copyright and changelog.Debian.gz and
# compresses the manual pages, as Debian policy 12.3, 12.5 and 12.7 require.
# gzip -9n: no name or time stamp in the header, so the package is
# reproducible.

find_program(_gzip gzip REQUIRED)
file(GLOB_RECURSE _staged_man LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/man/man*/*")
file(GLOB_RECURSE _staged_sbin LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/sbin/sysknob")
if(NOT _staged_sbin)
  message(FATAL_ERROR "cpack_debian_docs: no sbin/sysknob under ${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
endif()
list(GET _staged_sbin 0 _bin)
get_filename_component(_prefix "${_bin}" DIRECTORY)
get_filename_component(_prefix "${_prefix}" DIRECTORY)
set(_doc "${_prefix}/share/doc/sysknob")
file(MAKE_DIRECTORY "${_doc}")
file(COPY "${CPACK_SYSKNOB_SOURCE_DIR}/packaging/copyright" DESTINATION "${_doc}")
configure_file("${CPACK_SYSKNOB_SOURCE_DIR}/packaging/changelog.Debian.in" "${_doc}/changelog.Debian" @ONLY)
foreach(_f IN LISTS _staged_man ITEMS "${_doc}/changelog.Debian")
  if(NOT _f MATCHES "\\.gz$")
    execute_process(COMMAND "${_gzip}" -9nf "${_f}" RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "cpack_debian_docs: gzip ${_f} failed")
    endif()
  endif()
endforeach()
