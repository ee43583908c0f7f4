# Explaining a measurement from a VM file and inside verify / vm verify (issue 14). Included from
# tests/cli/CMakeLists.txt after explain.cmake (M02, M03, MILAN4, OV come from there).
if(NOT EXISTS "${TD}/reports/automata-milan-v2/report.bin")
  return()
endif()
set(XW "${CMAKE_CURRENT_BINARY_DIR}/explain-vm")
file(MAKE_DIRECTORY "${XW}")
# VM files: m02's launch (explains m03's digest: guest features 0x21), the same launch on other
# firmware (nothing explains it), and m02's launch with a wrong firmware pin.
function(explain_vm_file name ovmf extra)
  file(WRITE "${XW}/${name}.toml" "format = 1\n[launch]\nmode = \"snp\"\novmf = ${ovmf}\nvcpus = 4\n"
                                  "vcpu_type = \"EPYC-Milan\"\nguest_features = \"0x1\"\n${extra}")
endfunction()
explain_vm_file(m02 "\"${OV}/OVMF_CODE.fd\"" "")
explain_vm_file(amdsev "\"${OV}/OVMF.amdsev.fd\"" "")
string(SUBSTRING "${M02}" 0 64 PIN64)
explain_vm_file(badpin "{ path = \"${OV}/OVMF_CODE.fd\", sha256 = \"${PIN64}\" }" "")
# A real report whose MEASUREMENT is replaced by m03's digest (hex text, which every command reads):
# its signature fails (V016), and the measurement check compares m03's digest with the expected one.
file(READ "${TD}/reports/automata-milan-v2/report.bin" RHEX HEX)
string(SUBSTRING "${RHEX}" 0 288 head)     # bytes 0x000-0x08f
string(SUBSTRING "${RHEX}" 384 -1 tail)    # bytes 0x0c0-
file(WRITE "${XW}/m03-report.hex" "${head}${M03}${tail}")
set(XR --report "${XW}/m03-report.hex" --vcek "${TD}/reports/automata-milan-v2/vcek.der")

# explain --vm: the twin (a launch that explains the digest, one where nothing does), JSON, refusals.
cli_test("explain --vm: the VM file's launch explains the digest" 0
         "believed launch  ${M02}\n\nEXPLAINED \\(1 input differs\\):\n  the guest was launched with guest features 0x21"
         explain --vm "${XW}/m02.toml" --measurement ${M03})
cli_test("explain --vm: a VM file whose launch nothing explains (twin)" 1 "NOT EXPLAINED: .*searched [^\n]*guest-features 8191"
         explain --vm "${XW}/amdsev.toml" --measurement ${M03} --max-vcpus 8)
cli_test("explain --vm --json" 0 "\"explained\": true,\n  \"explanations\": \\[\n    {\n      \"changes\": {\n        \"guest-features\": \"0x21\"\n      },"
         explain --vm "${XW}/m02.toml" --measurement ${M03} --json --max-vcpus 8)
cli_test("explain --vm reads the report's MEASUREMENT" 0 "reported digest  ${M03}.*EXPLAINED"
         explain --vm "${XW}/m02.toml" --report "${XW}/m03-report.hex" --max-vcpus 8)
cli_test("explain refuses --vm with the measure flags, naming both" 2 "--vm FILE or as the measure flags, not both \\(--vm and --vcpus given\\)"
         explain --vm "${XW}/m02.toml" --measurement ${M03} --vcpus 2)
cli_test("explain needs a believed launch" 2 "give the believed launch: --mode and --ovmf \\(the measure flags\\), or --vm FILE"
         explain --measurement ${M03})
cli_test("explain --vm: no such VM file" 3 "no-such-vm.toml: no such file" explain --vm "${XW}/no-such-vm.toml" --measurement ${M03})
cli_test("explain --vm: a firmware that does not match its pin" 3 "launch.ovmf[^\n]*but the file pins"
         explain --vm "${XW}/badpin.toml" --measurement ${M03})

# vm verify: a failed MEASUREMENT names the input of [launch] that explains it (and the twin).
cli_test("vm verify: MEASUREMENT mismatch explained by the VM file's launch" 1
         "P018 fail.*P018 FAIL  from [^\n]*m02.toml: the digest recomputed from \\[launch\\][^\n]*\n  P018 why:  the guest was launched with guest features 0x21[^\n]*\n *measure with: --guest-features=0x21"
         vm verify "${XW}/m02.toml" ${XR})
cli_test("vm verify --no-explain: the failed MEASUREMENT is not searched (twin)" 1
         "P018 FAIL  from [^\n]*m02.toml: the digest recomputed from \\[launch\\][^\n]*\n$"
         vm verify "${XW}/m02.toml" ${XR} --no-explain)
cli_test("vm verify: --json carries the explanation on P018" 1
         "\"code\": \"P018\",[^}]*\"explanation\": {\n[ ]*\"explained\": true,"
         vm verify "${XW}/m02.toml" ${XR} --json)
# verify: the launch inputs explain a MEASUREMENT mismatch (twin: the expected digest matches, nothing to explain).
cli_test("verify with the launch inputs: MEASUREMENT mismatch explained" 1
         "P018 fail.*against the launch inputs given:\n  P018 why:  the guest was launched with guest features 0x21"
         verify ${XR} --measurement ${M02} ${MILAN4})
cli_test("verify with the launch inputs: no mismatch, no explanation (twin)" 1
         "P018 pass.*NOT VERIFIED: see the failed or skipped V checks\n$"
         verify ${XR} --measurement ${M03} ${MILAN4})
cli_test("verify: the launch inputs need an expected measurement" 2 "--mode: the launch inputs explain a MEASUREMENT mismatch: give the expected --measurement"
         verify ${XR} ${MILAN4})
cli_test("verify: the launch inputs need --ovmf" 2 "--vcpus: the launch inputs need --mode and --ovmf"
         verify ${XR} --measurement ${M02} --vcpus 4)
cli_test("verify: the launch inputs are not taken with --batch" 2 "--mode: the launch inputs explain one report's MEASUREMENT, not with --batch"
         verify --batch - ${MILAN4})
cli_test("verify: the launch inputs' own errors" 2 "unknown --vcpu-type"
         verify ${XR} --measurement ${M02} --mode snp --ovmf "${OV}/OVMF_CODE.fd" --vcpus 4 --vcpu-type Nope)
