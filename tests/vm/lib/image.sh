# Kernel lab, host side: kernels, initramfs, the cached base image and the
# per-run image with the project's .deb installed. Sourced by tests/vm/run.sh.
#
# Cache layout under $VMC (default build-vm/, gitignored; one CI job reuses
# it across stages):
#   kernels/<package>.deb            the Debian kernel packages (apt-get download)
#   kernels/<flavour>/vmlinuz        the kernel and a busybox initramfs for it
#   base-<key>.img                   Debian 12 minbase + systemd + both kernels'
#                                    modules, ext4, keyed by every input
#   sysknob.deb                      the package under test (see build_deb)
#   installed-<key>.img              base + `dpkg -i sysknob.deb` + the guest
#                                    side of the lab (tests/vm/guest)

# Debian's cloud kernels: small, ext4 built in, virtio and netfilter as
# modules, as on a freshly provisioned cloud host.
declare -A KERNEL_META=([6.1]=linux-image-cloud-amd64 [6.12]=linux-image-6.12-cloud-amd64)
SUITE=bookworm
BASE_PKGS=systemd,systemd-sysv,kmod,procps,udev,iproute2,libsystemd0,nftables,jq
MMDEBSTRAP_ARGS=(--variant=minbase --include="$BASE_PKGS" --components=main)
IMAGE_SIZE=2G

# The real package behind a metapackage such as linux-image-cloud-amd64.
kernel_package() {
  apt-cache depends "${KERNEL_META[$1]}" 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}'
}

# fetch_kernel 6.1: downloads and unpacks the kernel package once, builds a
# busybox initramfs for it. Sets KDIR (vmlinuz, initrd.img, version, deb).
fetch_kernel() {
  local flavour=$1 pkg
  pkg=$(kernel_package "$flavour")
  [ -n "$pkg" ] || die "no package behind ${KERNEL_META[$flavour]} (apt-get update?)"
  KDIR=$VMC/kernels/$flavour
  # The initramfs is rebuilt when make_initramfs changes (its text is the
  # stamp in "ready"); the kernel package is unpacked once.
  local stamp
  stamp=$(declare -f make_initramfs | sha256sum | cut -c1-16)
  if [ -f "$KDIR/ready" ] && [ "$(cat "$KDIR/package")" = "$pkg" ]; then
    # A cache moved from another directory leaves the link dangling; the
    # base image's key hashes the package through it.
    [ -e "$KDIR/deb" ] || ln -sf "$(ls "$VMC/kernels/${pkg}_"*.deb | head -n1)" "$KDIR/deb"
    [ "$(cat "$KDIR/ready")" = "$stamp" ] || { make_initramfs "$KDIR" "$(cat "$KDIR/version")"; echo "$stamp" >"$KDIR/ready"; }
    return 0
  fi
  rm -rf "$KDIR"; mkdir -p "$KDIR"
  local deb
  deb=$(ls "$VMC/kernels/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then
    (cd "$VMC/kernels" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null) || die "apt-get download $pkg failed"
    deb=$(ls "$VMC/kernels/${pkg}_"*.deb | head -n1)
  fi
  dpkg-deb -x "$deb" "$KDIR/root"
  local ver
  ver=$(ls "$KDIR/root/lib/modules")
  echo "$ver" >"$KDIR/version"
  echo "$pkg" >"$KDIR/package"
  ln -sf "$deb" "$KDIR/deb"
  cp "$KDIR/root/boot/vmlinuz-$ver" "$KDIR/vmlinuz"
  depmod -b "$KDIR/root" "$ver"
  make_initramfs "$KDIR" "$ver"
  echo "$stamp" >"$KDIR/ready"
}

# A busybox-static initramfs that loads what the root disk needs and
# switch_roots to /dev/vda. The insmod order comes from the kernel's own
# modules.dep (modprobe --show-depends): on 6.1 virtio_pci and virtio_blk
# are modules with four dependencies; on 6.12 virtio_pci is built in and
# modules are .ko.xz, which busybox insmod cannot read, so they are
# decompressed here. `lab.init=PATH` on the command line runs PATH of the
# root file system instead of /sbin/init (the catalogue scenario's early
# init, which reads the kernel's own values before any user space writes).
make_initramfs() {
  local kdir=$1 ver=$2 ir=$1/initramfs line path n=0
  local -A seen=()
  mkdir -p "$ir/bin" "$ir/lib" "$ir/proc" "$ir/sys" "$ir/dev" "$ir/newroot"
  cp /bin/busybox "$ir/bin/busybox"
  : >"$ir/modules"
  while read -r line; do
    case "$line" in
      insmod\ *)
        path=${line#insmod }; path=${path%% *}
        [ -z "${seen[$path]:-}" ] || continue
        seen[$path]=1
        n=$((n + 1))
        case "$path" in
          *.ko.xz) xz -dc "$path" >"$ir/lib/$n.ko" ;;
          *.ko.zst) zstd -dcq "$path" >"$ir/lib/$n.ko" ;;
          *) cp "$path" "$ir/lib/$n.ko" ;;
        esac
        echo "$n $(basename "$path")" >>"$ir/modules" ;;
    esac
  done < <(modprobe -d "$kdir/root" -S "$ver" --show-depends -a virtio_pci virtio_blk)
  cat >"$ir/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r n name; do insmod "/lib/$n.ko" || echo "initramfs: insmod $name failed"; done </modules
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mount -t ext4 -o rw /dev/vda /newroot || { echo "initramfs: cannot mount /dev/vda"; exec sh; }
init=/sbin/init
for w in $(cat /proc/cmdline); do case "$w" in lab.init=*) init=${w#lab.init=} ;; esac; done
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot "$init"
EOF
  chmod 755 "$ir/init"
  (cd "$ir" && find . | cpio -o -H newc --quiet | gzip -1 >"$kdir/initrd.img")
}

# The guest's own configuration on top of mmdebstrap's tree. Part of the
# base image key, so a change here rebuilds the image.
configure_tree() {
  local t=$1
  echo lab >"$t/etc/hostname"
  # A fixed machine id: the journal directory is named after it.
  echo 5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e >"$t/etc/machine-id"
  echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' >"$t/etc/fstab"
  # Each boot's journal is read back from the disk after power-off.
  mkdir -p "$t/var/log/journal" "$t/etc/systemd/journald.conf.d"
  printf '[Journal]\nStorage=persistent\n' >"$t/etc/systemd/journald.conf.d/lab.conf"
  # `run.sh --shell`: root logs in on the serial console without a password.
  sed -i 's/^root:[^:]*:/root::/' "$t/etc/shadow"
  # Nothing that wakes up on its own during a scenario.
  local u
  for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer \
           dpkg-db-backup.timer; do
    ln -sf /dev/null "$t/etc/systemd/system/$u"
  done
}

# base_image: builds (or reuses) the base image. Sets BASE_IMG.
base_image() {
  local key tree
  key=$( {
      echo "$SUITE ${MMDEBSTRAP_ARGS[*]} $IMAGE_SIZE"
      for f in "${!KERNEL_META[@]}"; do sha256sum <"$VMC/kernels/$f/deb"; done | sort
      declare -f configure_tree
    } | sha256sum | cut -c1-16)
  BASE_IMG=$VMC/base-$key.img
  [ -f "$BASE_IMG" ] && return 0
  log "building the base image $BASE_IMG (mmdebstrap, about a minute)"
  rm -f "$VMC"/base-*.img "$VMC"/installed-*.img
  tree=$VMC/tree.tmp
  rm -rf "$tree"
  mmdebstrap -q "${MMDEBSTRAP_ARGS[@]}" "$SUITE" "$tree" >"$VMC/mmdebstrap.log" 2>&1 \
    || { cat "$VMC/mmdebstrap.log" >&2; die "mmdebstrap failed"; }
  for f in "${!KERNEL_META[@]}"; do
    cp -a "$VMC/kernels/$f/root/lib/modules/." "$tree/lib/modules/"
  done
  configure_tree "$tree"
  rm -f "$BASE_IMG.tmp"
  truncate -s "$IMAGE_SIZE" "$BASE_IMG.tmp"
  mke2fs -q -t ext4 -L lab -d "$tree" "$BASE_IMG.tmp" || die "mke2fs -d failed"
  mv "$BASE_IMG.tmp" "$BASE_IMG"
  rm -rf "$tree"
}

# build_deb: the package under test, $VMC/sysknob.deb. The packaging of
# tests/cli/package_deb.sh (CPack, prefix /usr) with one difference: the
# fault hook is compiled in (SYSKNOB_TEST_HOOKS), so the power-cut scenario
# can stop an apply at a named step. The hook does nothing unless
# SYSKNOB_FAULT is set. SYSKNOB_VM_DEB=path uses a given package instead.
build_deb() {
  DEB=$VMC/sysknob.deb
  local b=$VMC/pkg launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # A build directory configured from another checkout (a shared cache) is
  # refused by cmake: start it again (ccache keeps it quick).
  grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$SRC" "$b/CMakeCache.txt" 2>/dev/null || rm -rf "$b"
  cmake -S "$SRC" -B "$b" -DCMAKE_INSTALL_PREFIX=/usr -DSYSKNOB_TESTS=OFF -DSYSKNOB_TEST_HOOKS=ON \
    -DSYSKNOB_LAB_TOOLS=ON -DSYSKNOB_WERROR=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
    >"$VMC/deb-build.log" 2>&1 || { tail -n 40 "$VMC/deb-build.log" >&2; die "configuring the build failed"; }
  if [ -n "${SYSKNOB_VM_DEB:-}" ]; then
    cp "$SYSKNOB_VM_DEB" "$DEB"
    cmake --build "$b" -j"$(nproc)" --target catalogue_check boot_dump >>"$VMC/deb-build.log" 2>&1 \
      || { tail -n 40 "$VMC/deb-build.log" >&2; die "building the lab tools failed"; }
  else
    cmake --build "$b" -j"$(nproc)" >>"$VMC/deb-build.log" 2>&1 \
      && rm -f "$b"/sysknob_*.deb && (cd "$b" && cpack -G DEB >>"$VMC/deb-build.log" 2>&1) \
      || { tail -n 40 "$VMC/deb-build.log" >&2; die "building the .deb failed"; }
    cp "$(ls "$b"/sysknob_*.deb | head -n1)" "$DEB"
  fi
  # The guest's test tools (tools/catalogue_check.cpp, tools/boot_dump.cpp;
  # SYSKNOB_LAB_TOOLS): not in the package, copied to /lab/bin.
  mkdir -p "$VMC/labbin"
  cp "$b/catalogue_check" "$b/boot_dump" "$VMC/labbin/"
}

# Loop mounts always go through these two, with the trap in run.sh
# unmounting whatever is still mounted on every exit path.
MOUNTED=()
mount_image() { # mount_image IMG DIR [ro]
  mkdir -p "$2"
  mount -o loop${3:+,ro} "$1" "$2" || die "cannot loop-mount $1"
  MOUNTED+=("$2")
}
# A busy mount is retried before the lazy fallback: a lazily detached image
# can be copied before its last writes reach it (measured: a per-run copy
# held an empty /lab/early-init), so the image is synced either way.
umount_all() {
  local d i
  for d in "${MOUNTED[@]}"; do
    mountpoint -q "$d" 2>/dev/null || continue
    sync -f "$d" 2>/dev/null || sync
    for i in 1 2 3 4 5; do umount "$d" 2>/dev/null && break; sleep 1; done
    ! mountpoint -q "$d" 2>/dev/null || umount -l "$d" 2>/dev/null || true
  done
  MOUNTED=()
  sync
}

# installed_image: base image + the package + the lab's guest side. Sets
# INSTALLED_IMG. The package goes in with the guest's own dpkg (chroot), so
# its maintainer scripts run as on a real host; the previous package for the
# upgrade scenario is copied in for the guest to install itself.
installed_image() {
  local key m
  key=$( {
      echo "$BASE_IMG"
      sha256sum <"$DEB"
      cat "$VMC/labbin/catalogue_check" "$VMC/labbin/boot_dump" | sha256sum
      find "$SRC/tests/vm/guest" "$SRC/tests/vm/profiles" "$SRC/tests/vm/lib/expect.py" "$SRC/profiles" \
        -type f -print0 | sort -z | xargs -0 sha256sum
      if [ -f "$VMC/previous.deb" ]; then sha256sum <"$VMC/previous.deb"; fi
    } | sha256sum | cut -c1-16)
  INSTALLED_IMG=$VMC/installed-$key.img
  [ -f "$INSTALLED_IMG" ] && return 0
  rm -f "$VMC"/installed-*.img
  cp --sparse=always "$BASE_IMG" "$INSTALLED_IMG.tmp"
  m=$VMC/mnt.install
  mount_image "$INSTALLED_IMG.tmp" "$m"
  mkdir -p "$m/lab/pkg" "$m/lab/out"
  cp "$DEB" "$m/lab/pkg/sysknob.deb"
  if [ -f "$VMC/previous.deb" ]; then cp "$VMC/previous.deb" "$m/lab/pkg/previous.deb"; fi
  cp -r "$SRC/tests/vm/guest/." "$m/lab/"
  mkdir -p "$m/lab/bin" "$m/lab/kconfig"
  cp "$VMC/labbin/catalogue_check" "$VMC/labbin/boot_dump" "$m/lab/bin/"
  # Each kernel's build configuration: the catalogue scenario compares the
  # defaults that come from it (kernel.sysrq, dmesg_restrict, ...).
  for f in "${!KERNEL_META[@]}"; do cp "$VMC/kernels/$f/root/boot/config-"* "$m/lab/kconfig/"; done
  mkdir -p "$m/lab/profiles"
  cp "$SRC"/tests/vm/profiles/*.toml "$m/lab/profiles/"
  # Local profiles, found by name like an admin's own (sysknob list).
  mkdir -p "$m/etc/sysknob/profiles"
  cp "$SRC"/tests/vm/profiles/*.toml "$m/etc/sysknob/profiles/"
  cp "$SRC/tests/vm/guest/sysknob-lab.service" "$m/etc/systemd/system/"
  ln -sf /etc/systemd/system/sysknob-lab.service "$m/etc/systemd/system/multi-user.target.wants/sysknob-lab.service"
  # Six gettys on virtual consoles nobody looks at: boot time only.
  ln -sf /dev/null "$m/etc/systemd/system/getty-static.service"
  # Profiles' expected values, computed on the host from the TOML.
  local p
  mkdir -p "$m/lab/expect"
  for p in "$SRC"/profiles/*.toml; do
    p=$(basename "$p" .toml)
    python3 "$SRC/tests/vm/lib/expect.py" "$SRC/profiles" "$p" >"$m/lab/expect/$p" || die "expect.py $p"
  done
  for p in "$SRC"/tests/vm/profiles/*.toml; do
    [ -e "$p" ] || continue
    python3 "$SRC/tests/vm/lib/expect.py" "$SRC/tests/vm/profiles" "$(basename "$p" .toml)" \
      >"$m/lab/expect/$(basename "$p" .toml)" || die "expect.py $p"
  done
  if ! chroot "$m" dpkg -i /lab/pkg/sysknob.deb >"$VMC/dpkg-install.log" 2>&1; then
    cat "$VMC/dpkg-install.log" >&2; umount_all; die "dpkg -i in the image failed"
  fi
  umount_all
  mv "$INSTALLED_IMG.tmp" "$INSTALLED_IMG"
}

# prepare_previous_deb: the package of the release before this one, for the
# upgrade in the package scenario: built from git ($PREVIOUS_COMMIT, a
# commit of main before the snapshot format could have changed under the
# lab) with the same packaging, cached as previous-COMMIT.deb. Sets
# $VMC/previous.deb. SYSKNOB_VM_PREVIOUS_DEB=file.deb uses a given package.
PREVIOUS_COMMIT=${SYSKNOB_VM_PREVIOUS:-35706cb}
prepare_previous_deb() {
  if [ -n "${SYSKNOB_VM_PREVIOUS_DEB:-}" ]; then cp "$SYSKNOB_VM_PREVIOUS_DEB" "$VMC/previous.deb"; return 0; fi
  local commit cached src=$VMC/previous-src b=$VMC/previous-build launcher=()
  commit=$(git -C "$SRC" rev-parse --verify -q "$PREVIOUS_COMMIT^{commit}") \
    || die "previous release $PREVIOUS_COMMIT is not in this git history (SYSKNOB_VM_PREVIOUS=COMMIT or SYSKNOB_VM_PREVIOUS_DEB=file)"
  cached=$VMC/previous-${commit:0:12}.deb
  if [ ! -f "$cached" ]; then
    log "building the previous package from $commit"
    rm -rf "$src" "$b"
    mkdir -p "$src"
    git -C "$SRC" archive "$commit" | tar -x -C "$src"
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$src" -B "$b" -DCMAKE_INSTALL_PREFIX=/usr -DSYSKNOB_TESTS=OFF -DSYSKNOB_WERROR=OFF \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >"$VMC/previous-build.log" 2>&1 \
      && cmake --build "$b" -j"$(nproc)" >>"$VMC/previous-build.log" 2>&1 \
      && (cd "$b" && cpack -G DEB >>"$VMC/previous-build.log" 2>&1) \
      || { tail -n 40 "$VMC/previous-build.log" >&2; die "building the previous package failed"; }
    cp "$(ls "$b"/sysknob_*.deb | head -n1)" "$cached"
    rm -rf "$src" "$b"
  fi
  cp "$cached" "$VMC/previous.deb"
}
