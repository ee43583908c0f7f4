# sevproof openstack check over the hand-written flavor/image pairs of tests/data/openstack: exit codes 0/1/2/3,
# text and JSON, the bad documents named with their problem, and --emit-vm on the real OVMF/kernel/initrd.
set(OSD "${CMAKE_CURRENT_SOURCE_DIR}/../data/openstack")
set(OSOUT "${CMAKE_CURRENT_BINARY_DIR}/openstack-out")
file(MAKE_DIRECTORY "${OSOUT}")

# 0: launchable as resolved (and as required).
cli_test("openstack check: the YAOOK SNP pair is launchable" 0
         "O012 info +image .ubuntu-24.04-snp. [^\n]* has no kernel_id.*launch: amd-sev-snp, <launchSecurity type='sev-snp'> policy 0x00030000, kernel hashes no, 4 vCPUs, vCPU type EPYC-Milan.*LAUNCHABLE as amd-sev-snp"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-yaook.json" --node cpu_mode=custom,cpu_model=EPYC-Milan --require sev-snp)
cli_test("openstack check --json: SNP direct boot with Nova's command line" 0
         "\"schema_version\": 1,[^}]*\"model\": \"amd-sev-snp\",[^}]*\"refused\": false.*\"launch\": {[^}]*\"policy\": \"0x00030000\",[^}]*\"kernel_hashes\": true,[^}]*\"cmdline\": \"root=/dev/sda console=tty0 console=ttyS0 console=hvc0\",[^}]*\"vcpus\": 4"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-kernel.json" --root-device /dev/sda --json)
cli_test("openstack check: the old properties strings" 0 "command line \"root=/dev/vda1 ro quiet it's, fine\".*LAUNCHABLE as amd-sev-snp"
         openstack check --flavor "${OSD}/flavor-snp-string.json" --image "${OSD}/image-snp-kernel-string.json")
cli_test("openstack check: an unencrypted pair is launchable as such" 0 "O001 info .*NOT ENCRYPTED"
         openstack check --flavor "${OSD}/flavor-plain.json" --image "${OSD}/image-plain.json")

# 1: refused, or not the required model (then refused stays false and launch is given).
cli_test("openstack check: SNP without stateless firmware is refused" 1 "O011 error +image 'ubuntu-24.04-stateful'.*REFUSED"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-not-stateless.json")
cli_test("openstack check --json: conflicting flavor and image" 1 "\"model\": null,[^}]*\"refused\": true.*\"code\": \"O004\".*\"launch\": null"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-false.json" --json)
cli_test("openstack check --require: SEV-ES is not SNP" 1 "\"model\": \"amd-sev-es\",[^}]*\"refused\": false.*\"code\": \"O030\".*\"policy\": \"0x0037\""
         openstack check --flavor "${OSD}/flavor-sev-es.json" --image "${OSD}/image-uefi-q35.json" --require sev-snp --json)
cli_test("openstack check --require on an unencrypted pair" 1 "O030 error.*NOT AS REQUIRED"
         openstack check --flavor "${OSD}/flavor-plain.json" --image "${OSD}/image-plain.json" --require sev)
cli_test("openstack check: the node's machine type pc is refused" 1 "O009 error +the node's machine_type='pc' has no q35"
         openstack check --flavor "${OSD}/flavor-sev.json" --image "${OSD}/image-uefi-only.json" --node machine_type=pc)

# 2: usage.
cli_test("openstack check --require snp is a usage error" 2 "--require snp: use sev, sev-es or sev-snp"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-yaook.json" --require snp)
cli_test("openstack check --node with an unknown key" 2 "--node: gpu unknown key"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-yaook.json" --node gpu=none)
cli_test("openstack check --node with an empty value" 2 "--node: cpu_model empty value"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-yaook.json" --node cpu_model=)
cli_test("openstack check without --image" 2 "--image is required"
         openstack check --flavor "${OSD}/flavor-snp.json")
cli_test("openstack check --ovmf without --emit-vm" 2 "give it too"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-yaook.json" --ovmf "${OSD}/cases.json")
cli_test("openstack check --emit-vm without --ovmf" 2 "--emit-vm needs --ovmf"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-yaook.json" --emit-vm "${OSOUT}/x.toml")

# 3: unreadable or malformed, naming the file and the problem.
cli_test("openstack check: a flavor that is not JSON" 3 "truncated.json: flavor: not valid JSON"
         openstack check --flavor "${OSD}/bad/truncated.json" --image "${OSD}/image-snp-yaook.json")
cli_test("openstack check: the table output instead of JSON" 3 "table-output.txt: image: not valid JSON"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/bad/table-output.txt")
cli_test("openstack check: a server show given as the flavor" 3
         "server-show.json: flavor: not the output of `openstack flavor show -f json` [(]no \"vcpus\"[)]; it looks like `openstack server show`"
         openstack check --flavor "${OSD}/bad/server-show.json" --image "${OSD}/image-snp-yaook.json")
cli_test("openstack check: flavor and image swapped" 3 "image-snp-yaook.json: flavor: .*it looks like `openstack image show`"
         openstack check --flavor "${OSD}/image-snp-yaook.json" --image "${OSD}/flavor-snp.json")
cli_test("openstack check: an image list" 3 "image-list.json: image: a JSON list, not one object"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/bad/image-list.json")
cli_test("openstack check: a properties string that does not parse" 3
         "image-bad-properties.json: image: properties string does not parse: .*hw_mem_encryption value has no closing quote"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/bad/image-bad-properties.json")
cli_test("openstack check: a duplicate key" 3 "flavor-duplicate-key.json: flavor: hw:mem_encryption given twice"
         openstack check --flavor "${OSD}/bad/flavor-duplicate-key.json" --image "${OSD}/image-snp-yaook.json")
cli_test("openstack check: a missing file" 3 "nothing-here.json: no such file"
         openstack check --flavor "${OSD}/nothing-here.json" --image "${OSD}/image-snp-yaook.json")

# --emit-vm: the VM definition for the launch, files pinned by SHA-256 (checked against CMake's own hash).
set(OS_OVMF "${TD}/ovmf/OVMF.amdsev.fd")
set(OS_KERNEL "${TD}/measure/kernel-a.bin")
set(OS_INITRD "${TD}/measure/initrd-a.bin")
cli_test("openstack check --emit-vm: SNP direct boot" 0 "LAUNCHABLE as amd-sev-snp.*wrote .*snp-direct.toml"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-kernel.json" --node cpu_mode=custom,cpu_model=EPYC-Milan
                         --emit-vm "${OSOUT}/snp-direct.toml" --ovmf "${OS_OVMF}" --kernel "${OS_KERNEL}" --initrd "${OS_INITRD}")
set_tests_properties("cli: openstack check --emit-vm: SNP direct boot" PROPERTIES FIXTURES_SETUP openstack_vm_file)
if(EXISTS "${OS_OVMF}" AND EXISTS "${OS_KERNEL}" AND EXISTS "${OS_INITRD}")
  file(SHA256 "${OS_OVMF}" ovmf_sha)
  file(SHA256 "${OS_KERNEL}" kernel_sha)
  file(SHA256 "${OS_INITRD}" initrd_sha)
  add_test(NAME "cli: openstack check --emit-vm wrote the launch with the files' SHA-256"
           COMMAND "${CMAKE_COMMAND}" -DEXPECT_EXIT=0
                   "-DEXPECT_OUTPUT=mode = \"snp\".*ovmf = { path = \"[^\"]*OVMF.amdsev.fd\", sha256 = \"${ovmf_sha}\" }.*kernel = { path = \"[^\"]*kernel-a.bin\", sha256 = \"${kernel_sha}\" }.*initrd = { path = \"[^\"]*initrd-a.bin\", sha256 = \"${initrd_sha}\" }.*append = \"root=/dev/vda console=tty0 console=ttyS0 console=hvc0\".*vcpus = 4 .*vcpu_type = \"EPYC-Milan\".*policy = 0x30000"
                   -P "${EXPECT}" -- "${CMAKE_COMMAND}" -E cat "${OSOUT}/snp-direct.toml")
  set_tests_properties("cli: openstack check --emit-vm wrote the launch with the files' SHA-256" PROPERTIES FIXTURES_REQUIRED openstack_vm_file)
endif()
cli_test("openstack check --emit-vm: SNP direct boot needs the kernel" 2 "give --kernel .*openstack image save --file vmlinuz 6b1e2d3c"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-kernel.json"
                         --emit-vm "${OSOUT}/no-kernel.toml" --ovmf "${OS_OVMF}")
# Firmware that cannot measure the launch: nothing written, a usage error (vm measure would refuse the file later).
cli_test("openstack check --emit-vm: firmware without kernel hashes is a usage error" 2
         "LAUNCHABLE as amd-sev-snp.*not written: the files given cannot make this launch: .*SNP_KERNEL_HASHES"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-kernel.json" --node cpu_mode=custom,cpu_model=EPYC-Milan
                         --emit-vm "${OSOUT}/no-hashes.toml" --ovmf "${TD}/ovmf/OVMF-trixie.fd" --kernel "${OS_KERNEL}" --initrd "${OS_INITRD}")
# kernel_id "nokernel" tells Nova to boot no kernel and no ramdisk (compute/api.py): firmware only, nothing to give.
cli_test("openstack check: kernel_id nokernel boots from disk, only the firmware is measured" 0
         "O012 info +image 'ubuntu-24.04-snp-nokernel' [^\n]*has kernel_id \"nokernel\".*O014 warning [^\n]*ignored with kernel_id \"nokernel\".*O015 warning [^\n]*ramdisk_id 7c2f3e4d[^\n]* ignored with kernel_id \"nokernel\".*kernel hashes no"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-nokernel.json")
cli_test("openstack check --json: kernel_id nokernel is no kernel_id in the launch (twin of the direct boot)" 0
         "\"kernel_hashes\": false,[^}]*\"kernel_id\": null,[^}]*\"ramdisk_id\": null"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-nokernel.json" --json)
cli_test("openstack check --emit-vm: kernel_id nokernel needs no --kernel" 0 "LAUNCHABLE as amd-sev-snp.*wrote .*snp-nokernel.toml"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-nokernel.json"
                         --emit-vm "${OSOUT}/snp-nokernel.toml" --ovmf "${OS_OVMF}")
cli_test("openstack check --emit-vm: no file for a refused pair" 1 "REFUSED.*not written: Nova would refuse"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-not-stateless.json"
                         --emit-vm "${OSOUT}/refused.toml" --ovmf "${OS_OVMF}")
cli_test("openstack check --emit-vm: a missing firmware file" 3 "--ovmf .*no-such-ovmf.fd: no such file"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-yaook.json"
                         --emit-vm "${OSOUT}/x.toml" --ovmf "${OSOUT}/no-such-ovmf.fd")
cli_test("openstack check --emit-vm: an unwritable place" 3 "cannot write"
         openstack check --flavor "${OSD}/flavor-snp.json" --image "${OSD}/image-snp-yaook.json"
                         --emit-vm "${OSOUT}/no-such-dir/x.toml" --ovmf "${OS_OVMF}")

# The emitted file gives the digest `sevproof measure` gives with the equivalent flags (once `sevproof vm` exists),
# and a launch that differs in one input (2 vCPUs instead of the flavor's 4) does not.
if(EXISTS "${PROJECT_SOURCE_DIR}/cli/cmd_vm.cpp" AND EXISTS "${OS_OVMF}")
  set(nova_line "root=/dev/vda console=tty0 console=ttyS0 console=hvc0")
  foreach(item "4|the same digest" "2|2 vCPUs instead of 4 give another digest")
    string(REPLACE "|" ";" item "${item}")
    list(GET item 0 vcpus)
    list(GET item 1 what)
    set(name "cli: openstack --emit-vm, vm measure vs sevproof measure: ${what}")
    add_test(NAME "${name}"
             COMMAND "${CMAKE_COMMAND}" "-DSEVPROOF=$<TARGET_FILE:sevproof_cli>" "-DVM=${OSOUT}/snp-direct.toml"
                     -P "${CMAKE_CURRENT_SOURCE_DIR}/same_digest.cmake" --
                     --mode snp --vcpus ${vcpus} --vcpu-type EPYC-Milan --ovmf "${OS_OVMF}" --kernel "${OS_KERNEL}"
                     --initrd "${OS_INITRD}" --append "${nova_line}")
    set_tests_properties("${name}" PROPERTIES FIXTURES_REQUIRED openstack_vm_file)
    if(NOT vcpus EQUAL 4)   # the twin passes only by reaching the comparison and finding the digests differ
      set_tests_properties("${name}" PROPERTIES PASS_REGULAR_EXPRESSION "the digests differ")
    endif()
  endforeach()
endif()

# Every pair of cases.json through the CLI, validated with Debian's python3-jsonschema.
add_test(NAME "cli: openstack check --json over every case validates against its schema"
         COMMAND /usr/bin/python3 "${CMAKE_CURRENT_SOURCE_DIR}/openstack_json.py" $<TARGET_FILE:sevproof_cli> "${OSD}"
                 "${PROJECT_SOURCE_DIR}/schemas")
set_tests_properties("cli: openstack check --json over every case validates against its schema" PROPERTIES SKIP_RETURN_CODE 77)
