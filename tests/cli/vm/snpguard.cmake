# A SNPGuard VM description file written for vector m10 (EPYC-v4, QEMU, kernel; SNPGuard always
# names an initrd, and an empty one hashes as an absent one): `vm measure` reads it unchanged and
# prints m10's digest; `vm init --from-snpguard` converts it, and the native file prints it too.
#   cmake -DSEVPROOF=... -DTD=... -DWORK=... -DEXPECTED=hex [-DGUEST_FEATURES=0x21] -P snpguard.cmake
if(NOT DEFINED GUEST_FEATURES)
  set(GUEST_FEATURES 0x21)
endif()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/sg")
file(WRITE "${WORK}/sg/empty-initrd" "")
file(WRITE "${WORK}/sg/vm-config.toml" "host_cpu_family = \"Genoa\"
vcpu_count = 1
ovmf_file = \"${TD}/ovmf/OVMF.amdsev.fd\"
guest_features = ${GUEST_FEATURES}
kernel_file = \"${TD}/measure/kernel-a.bin\"
initrd_file = \"empty-initrd\"
kernel_cmdline = \"\"
platform_info = 0x3
guest_policy = 0x30000
family_id = \"00000000000000000000000000000000\"
image_id = \"00000000000000000000000000000000\"

[min_commited_tcb]
bootloader = 0
tee = 0
snp = 0
microcode = 0
_reserved = [0, 0, 0, 0]
")
function(run)
  execute_process(COMMAND "${SEVPROOF}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e WORKING_DIRECTORY "${WORK}")
  message("sevproof ${ARGN}: exit ${rc}\n${o}${e}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "exit code ${rc}")
  endif()
  set(out "${o}" PARENT_SCOPE)
endfunction()
run(vm measure "${WORK}/sg/vm-config.toml")
if(NOT out STREQUAL "${EXPECTED}\n")
  message(FATAL_ERROR "the SNPGuard file gives '${out}', expected '${EXPECTED}'")
endif()
run(vm init --from-snpguard "${WORK}/sg/vm-config.toml" -o "${WORK}/native.toml")
file(READ "${WORK}/native.toml" native)
message("${native}")
if(NOT native MATCHES "vcpu_type = \"EPYC-v4\"" OR NOT native MATCHES "initrd = { path = \"sg/empty-initrd\", sha256 = \"e3b0c442")
  message(FATAL_ERROR "the converted file lacks SNPGuard's fixed vCPU type or the pinned, relative initrd")
endif()
run(vm measure "${WORK}/native.toml")
if(NOT out STREQUAL "${EXPECTED}\n")
  message(FATAL_ERROR "the converted file gives '${out}', expected '${EXPECTED}'")
endif()
