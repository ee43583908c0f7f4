# `vm verify` on a real AMD-signed report: a VM file recording its measurement, policy and HOST_DATA
# verifies (exit 0, the verdict of `sevproof verify`); the same file with the measurement, the policy
# or HOST_DATA changed fails that check alone (exit 1) and names the file key behind it, in text
# and in --json (vm_key).
#   cmake -DSEVPROOF=... -DTD=... -DWORK=... -DDIR=oak-genoa-v5 -P verify.cmake
set(R "${TD}/reports/${DIR}/report.bin")
set(C "${TD}/reports/${DIR}/vcek.der")
execute_process(COMMAND "${SEVPROOF}" report show --json "${R}" OUTPUT_VARIABLE j RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "report show failed")
endif()
string(JSON m GET "${j}" measurement)
string(JSON p GET "${j}" policy raw)
string(JSON h GET "${j}" host_data)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
function(write name measurement policy host)
  file(WRITE "${WORK}/${name}.toml" "format = 1
[launch]
mode = \"snp\"
ovmf = \"${TD}/ovmf/OVMF.amdsev.fd\"
vcpus = 1
vcpu_type = \"EPYC-Genoa\"
policy = ${policy}
host_data = \"${host}\"
[expect]
measurement = [\"${measurement}\"]
")
endfunction()
function(check name expect_rc regex)
  execute_process(COMMAND "${SEVPROOF}" vm verify "${WORK}/${name}.toml" --report "${R}" --vcek "${C}" ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  message("vm verify ${name} ${ARGN}: exit ${rc}\n${o}${e}")
  if(NOT rc EQUAL expect_rc)
    message(FATAL_ERROR "exit code ${rc}, expected ${expect_rc}")
  endif()
  if(NOT "${o}${e}" MATCHES "${regex}")
    message(FATAL_ERROR "output does not match: ${regex}")
  endif()
endfunction()
# A different value of the same length: the first hex digit changed.
function(flip out value)
  string(SUBSTRING "${value}" 0 1 first)
  string(SUBSTRING "${value}" 1 -1 rest)
  if(first STREQUAL "0")
    set(${out} "1${rest}" PARENT_SCOPE)
  else()
    set(${out} "0${rest}" PARENT_SCOPE)
  endif()
endfunction()
flip(m2 "${m}")
flip(h2 "${h}")
write(good "${m}" "${p}" "${h}")
check(good 0 "P018 pass.*P035 pass.*VERIFIED: genuine AMD SEV-SNP report")
check(good 0 "\"outcome\": \"verified\"" --json)
write(measurement "${m2}" "${p}" "${h}")
check(measurement 1 "P018 fail.*GENUINE, BUT POLICY FAILED.*P018 FAIL  from [^\n]*measurement.toml: expect.measurement \\(line 10\\)")
check(measurement 1 "\"vm_key\": \"expect.measurement \\(line 10\\)\"" --json)
set(p2 0x70000)
if(p STREQUAL "0x0000000000070000")
  set(p2 0x30000)
endif()
write(policy "${m}" "${p2}" "${h}")
check(policy 1 "P035 fail[^\n]*\n[^\n]*the launch policy is 0x00000000000[37]0000.*P035 FAIL  from [^\n]*: launch.policy \\(line 7\\)")
write(hostdata "${m}" "${p}" "${h2}")
check(hostdata 1 "P013 fail.*P013 FAIL  from [^\n]*: launch.host_data \\(line 8\\)")

# --certs, read by the same evidence flags as `sevproof verify`: a folder as snpguest writes it
# verifies; the same folder without the VCEK cannot (no signer: exit 1, not verified).
file(MAKE_DIRECTORY "${WORK}/certs" "${WORK}/empty-certs")
file(COPY_FILE "${C}" "${WORK}/certs/vcek.der")
foreach(case "certs;0;VERIFIED: genuine" "empty-certs;1;NOT VERIFIED")
  list(GET case 0 dir)
  list(GET case 1 want)
  list(GET case 2 regex)
  execute_process(COMMAND "${SEVPROOF}" vm verify "${WORK}/good.toml" --report "${R}" --certs "${WORK}/${dir}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  message("vm verify good --certs ${dir}: exit ${rc}\n${o}${e}")
  if(NOT rc EQUAL want OR NOT "${o}${e}" MATCHES "${regex}")
    message(FATAL_ERROR "--certs ${dir}: exit ${rc} (expected ${want}) or output not matching ${regex}")
  endif()
endforeach()
