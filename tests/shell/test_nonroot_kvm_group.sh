#!/usr/bin/env bash
# test-needs: host-kvm: it sets /dev/kvm's group and logs in as other users (the host's /etc and PAM)
# loadvm needs only /dev/kvm: an ordinary user in the kvm group boots the
# probe; one outside it, or a machine without /dev/kvm, gets a message that
# says how to get access.
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
need_kvm
need_root "creates users and sets /dev/kvm's group"

getent group kvm >/dev/null || groupadd --system kvm
old_mode=$(stat -c %a /dev/kvm)
old_group=$(stat -c %g /dev/kvm)
on_exit "chgrp '$old_group' /dev/kvm; chmod '$old_mode' /dev/kvm"
chgrp kvm /dev/kvm
chmod 660 /dev/kvm

for user in kvmlb-member kvmlb-outsider; do
	id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /bin/sh "$user"
	on_exit "userdel '$user' 2>/dev/null"
done
usermod -aG kvm kvmlb-member

# Copies the user can read, in a directory the user can enter.
chmod 755 "$tmp"
cp "$LOADVM" "$PROBE_ELF" "$tmp/"
chmod 755 "$tmp/loadvm"
chmod 644 "$tmp/probe.elf"

status=0
su -s /bin/sh kvmlb-member -c "'$tmp/loadvm' --kernel '$tmp/probe.elf' --serial - \
	--exit-after user --timeout 60" >"$tmp/member.out" 2>&1 || status=$?
check "a kvm-group member boots the probe (status $status)" test "$status" -eq 0
check "the probe checked itself" grep -q "probe: ok" "$tmp/member.out"

status=0
su -s /bin/sh kvmlb-outsider -c "'$tmp/loadvm' --kernel '$tmp/probe.elf' \
	--exit-after user" >"$tmp/outsider.out" 2>&1 || status=$?
check "an outsider is refused (status $status)" test "$status" -ne 0
check "and told to join the kvm group" grep -q "add this user to the kvm group" "$tmp/outsider.out"

# No /dev/kvm at all: a private mount namespace with an empty /dev.
status=0
unshare --mount sh -c "mount -t tmpfs tmpfs /dev && '$tmp/loadvm' --kernel '$tmp/probe.elf' \
	--exit-after user" >"$tmp/missing.out" 2>&1 || status=$?
check "without /dev/kvm loadvm stops (status $status)" test "$status" -ne 0
check "and says how to get it" grep -q "/dev/kvm is missing: .*nested rig" "$tmp/missing.out"
finish
