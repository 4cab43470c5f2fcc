# Debian package built with CPack: `cpack -G DEB` in a build directory
# configured with -DCMAKE_INSTALL_PREFIX=/usr (tests/cli/package_deb.sh).
#
# The binary links libstdc++ and libgcc statically and dlopen()s libsystemd
# only to write to the journal: Depends comes from dpkg-shlibdeps (libc
# only) and libsystemd0 is a Recommends.
#
# Debian policy wants /usr/share/doc/PACKAGE/copyright, a gzip -9n
# changelog.Debian.gz and compressed manual pages; `make install` wants none
# of that, so packaging/cpack_debian_docs.cmake does it in CPack's staging
# directory only (CPACK_PRE_BUILD_SCRIPTS, CMake >= 3.19).

set(CPACK_PACKAGE_NAME "sysknob")
set(CPACK_PACKAGE_VENDOR "sysknob developers")
set(CPACK_PACKAGE_CONTACT "sysknob developers <sysknob@example.org>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "declarative manager for Linux kernel parameters (sysctl)")
# CPack makes the summary the synopsis line; this is the extended part.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "sysknob applies TOML profiles of kernel parameters: it validates them for
the target kernel, shows how they differ from the live values, applies them
to the running kernel and to /etc/sysctl.d, and keeps a snapshot of every
change so that any change can be rolled back.")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR "DEB")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/sysknob")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libsystemd0")
set(CPACK_DEBIAN_COMPRESSION_TYPE "xz")

# Maintainer scripts: prerm warns that removal leaves an applied profile in
# effect; postrm purge deletes /var/lib/sysknob, warning about settings
# still applied (tests/vm: scenario package).
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${CMAKE_CURRENT_LIST_DIR}/debian/prerm;${CMAKE_CURRENT_LIST_DIR}/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_SYSKNOB_SOURCE_DIR "${CMAKE_SOURCE_DIR}")
set(CPACK_SYSKNOB_VERSION "${PROJECT_VERSION}-1")
set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/cpack_debian_docs.cmake")

include(CPack)
