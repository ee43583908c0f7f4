# sevproof vm: VM definition files from launch to verdict (included by tests/cli/CMakeLists.txt).
set(VMDATA "${PROJECT_SOURCE_DIR}/tests/data/vm")
set(VMWORK "${CMAKE_CURRENT_BINARY_DIR}/vm")
set(VMKEYS "${PROJECT_SOURCE_DIR}/tests/data/idblock")
set(VMS "${CMAKE_CURRENT_SOURCE_DIR}/vm")

function(vm_script name script)
  add_test(NAME "cli: vm ${name}" COMMAND "${CMAKE_COMMAND}" "-DSEVPROOF=$<TARGET_FILE:sevproof_cli>" "-DTD=${TD}" "-DKEYS=${VMKEYS}"
                                          ${ARGN} -P "${VMS}/${script}")
  set_tests_properties("cli: vm ${name}" PROPERTIES SKIP_REGULAR_EXPRESSION "SKIPPED: ")
  if(NOT IS_DIRECTORY "${TD}/measure")
    set_tests_properties("cli: vm ${name}" PROPERTIES DISABLED ON)
  endif()
endfunction()

# Every measurement vector whose mode a VM file describes (snp, seves, sev): vm init <its flags>,
# then vm measure prints its digest (or fails with its exit code).
if(EXISTS "${VECTORS}")
  file(READ "${VECTORS}" content)
  string(REPLACE ";" "," content "${content}")
  string(REPLACE "\n" ";" rows "${content}")
  list(POP_FRONT rows)
  foreach(row IN LISTS rows)
    if(NOT row MATCHES "^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t")
      continue()
    endif()
    set(id "${CMAKE_MATCH_1}")
    set(args_json "${CMAKE_MATCH_2}")
    set(expected "${CMAKE_MATCH_3}")
    set(expected_exit "${CMAKE_MATCH_4}")
    set(extra "")
    if(args_json MATCHES "\"snp:ovmf-hash\"")
      continue()  # a firmware digest, not a launch
    elseif(id STREQUAL "m18")
      set(expected "-")  # firmware without SEV metadata: refused as by `sevproof measure`
      set(expected_exit 1)
      set(extra "-DEXPECTED_OUTPUT=no SEV metadata")
    endif()
    vm_script("vector ${id}" vector.cmake "-DWORK=${VMWORK}/${id}" "-DARGS_JSON=${args_json}" "-DEXPECTED=${expected}"
              "-DEXPECTED_EXIT=${expected_exit}" ${extra})
  endforeach()
  # SNPGuard: a file written for m10 (EPYC-v4, QEMU, kernel) reproduces it, unchanged and converted.
  file(STRINGS "${VECTORS}" m10 REGEX "^m10\t")
  string(REGEX MATCH "\t([0-9a-f]+)\t" _ "${m10}")
  vm_script("SNPGuard file reproduces vector m10" snpguard.cmake "-DWORK=${VMWORK}/snpguard" "-DEXPECTED=${CMAKE_MATCH_1}")
  vm_script("SNPGuard file with other guest features does not" snpguard.cmake "-DWORK=${VMWORK}/snpguard-1" "-DEXPECTED=${CMAKE_MATCH_1}"
            -DGUEST_FEATURES=0x1)
  set_tests_properties("cli: vm SNPGuard file with other guest features does not" PROPERTIES WILL_FAIL ON)
endif()

vm_script("pins refuse a changed kernel byte" pin.cmake "-DWORK=${VMWORK}/pin")
foreach(mode snp seves sev)
  vm_script("launch-args ${mode}: QEMU parses every argument" qemu.cmake "-DWORK=${VMWORK}/qemu-${mode}" -DMODE=${mode})
endforeach()
vm_script("launch-args: QEMU refuses an unknown property (twin)" qemu.cmake "-DWORK=${VMWORK}/qemu-break" -DBREAK=ON)
foreach(mode snp sev)
  vm_script("launch-args ${mode}: libvirt domain validates" libvirt.cmake "-DWORK=${VMWORK}/libvirt-${mode}" -DMODE=${mode})
endforeach()
vm_script("launch-args: libvirt schema refuses an unknown element (twin)" libvirt.cmake "-DWORK=${VMWORK}/libvirt-break" -DBREAK=ON)

# Broken files: the error names the key and its line (exit 3: the input is malformed).
cli_test("vm unknown key names key and line" 3 "unknown-key.toml: line 7: launch.vcpu: unknown key in \\[launch\\]"
         vm measure "${VMDATA}/unknown-key.toml")
cli_test("vm wrong type names key and line" 3 "wrong-type.toml: line 7: launch.vcpus: expected an integer, found a string"
         vm measure "${VMDATA}/wrong-type.toml")
cli_test("vm missing file names key and line" 3 "launch.ovmf \\(line 6\\): [^\n]*no-such-OVMF.fd: no such file"
         vm launch-args "${VMDATA}/missing-file.toml" --for qemu)
cli_test("vm JSON expectation names key and line" 3 "bad-expect.json: line 6: expect.min-tcb: bl=3,tee=0,snp=8,microcode: expected NAME=VALUE"
         vm measure "${VMDATA}/bad-expect.json")
cli_test("vm SNPGuard policy names key and line" 3 "line 9: guest_policy: 0x10000: bit 17 is reserved"
         vm measure "${VMDATA}/snpguard-bad-policy.toml")
cli_test("vm no such VM file" 3 "no-such-vm.toml: no such file" vm measure "${VMDATA}/no-such-vm.toml")
cli_test("vm init refuses --initrd without --kernel" 2 "--initrd without --kernel"
         vm init --mode snp --ovmf "${TD}/ovmf/OVMF-trixie.fd" --vcpus 1 --vcpu-type EPYC-Milan --initrd "${TD}/measure/initrd-a.bin")
cli_test("vm init refuses a policy without bit 17" 2 "launch.policy: 0x10000: bit 17 is reserved"
         vm init --mode snp --ovmf "${TD}/ovmf/OVMF-trixie.fd" --vcpus 1 --vcpu-type EPYC-Milan --policy 0x10000)
cli_test("vm init to stdout pins the firmware by absolute path" 0 "ovmf = \\{ path = \"/[^\"]*OVMF-trixie.fd\", sha256 = \"[0-9a-f]+\" \\}"
         vm init --mode snp --ovmf "${TD}/ovmf/OVMF-trixie.fd" --vcpus 1 --vcpu-type EPYC-Milan)
cli_test("vm init --help teaches" 0 "Every file named is pinned" vm init --help)

# vm verify on a real report: passes, and fails measurement, policy and HOST_DATA each once,
# naming the file key (the unit tests break the key digests with reports of our own authority).
vm_script("verify a real report, each check broken once" verify.cmake "-DWORK=${VMWORK}/verify" -DDIR=oak-genoa-v5)
cli_test("verify --certs that is not a folder" 2 "--certs [^ ]*no-such-folder: not a directory"
         verify --report "${TD}/reports/oak-genoa-v5/report.bin" --certs "${VMDATA}/no-such-folder")
vm_script("id-block equals id-block for the same launch" idblock.cmake "-DWORK=${VMWORK}/idblock")
cli_test("vm id-block of a SNPGuard file needs --id-key" 2 "names no ID key"
         vm id-block "${VMDATA}/snpguard-placeholders.toml")
