# Verification hardening: every case of the review, each failing before its fix.
set(MILAN "${TD}/reports/trustee-milan-v2")
set(MILAN_ARGS --report "${MILAN}/report.bin" --vcek "${MILAN}/vcek.der")

# 1. The TCB floor applies to REPORTED_TCB (certified by the VCEK), not to CURRENT_TCB.
cli_test("hardening: --min-tcb judges REPORTED_TCB (ucode 115 < 206)" 1 "P023 fail[^\n]*\n[^\n]*microcode 115 < 206"
         verify ${MILAN_ARGS} --min-tcb bl=3,tee=0,snp=8,ucode=206)
cli_test("hardening: --min-tcb at the certified TCB passes" 0 "P023 pass.*VERIFIED"
         verify ${MILAN_ARGS} --min-tcb bl=3,tee=0,snp=8,ucode=115)
# One floor for a Milan + Turin fleet: FMC (Turin's) at 0 is met by a layout without it, above 0 is not.
cli_test("min-tcb: fmc=0 is met by a Milan report (no FMC in its layout)" 0 "P023 pass.*VERIFIED"
         verify ${MILAN_ARGS} --min-tcb fmc=0,bl=3,tee=0,snp=8,ucode=115)
cli_test("min-tcb: fmc=1 cannot be met by a Milan report (twin)" 1
         "P023 fail[^\n]*\n[^\n]*fmc absent in this layout \\(a minimum above 0 cannot be met\\)"
         verify ${MILAN_ARGS} --min-tcb fmc=1,bl=3,tee=0,snp=8,ucode=115)
cli_test("hardening: --min-current-tcb keeps the CURRENT_TCB floor" 0 "P021 pass.*VERIFIED"
         verify ${MILAN_ARGS} --min-current-tcb ucode=206)
cli_test("hardening: V018 REPORTED_TCB not above CURRENT_TCB" 0 "V018 pass[^\n]*\n[^\n]*microcode 115[^\n]*microcode 206"
         verify ${MILAN_ARGS})
# 2. VMPL above 3 (other than the host's 0xFFFFFFFF) is malformed.
hostile_test("hardening: VMPL 7 is malformed" 3 "VMPL at 0x030 is 7" report show "${HOSTILE}/vmpl7.bin")
# 3. Octal never: a leading zero is a usage error everywhere.
cli_test("hardening: --min-tcb snp=010 refused" 2 "leading zero" verify ${MILAN_ARGS} --min-tcb snp=010)
cli_test("hardening: --vmpl 00 refused" 2 "leading zero" verify ${MILAN_ARGS} --vmpl 00)
cli_test("hardening: measure --vcpus 010 refused" 2 "--vcpus: '010' has a leading zero"
         measure --mode snp --ovmf "${TD}/ovmf/OVMF_CODE.fd" --vcpus 010 --vcpu-type EPYC-v4)
# Every integer option reads 0b and 0o as sev-snp-measure's int(x, 0) does (CLI11 alone refused them), and a value
# past 2^63 - 1 is refused as typed (CLI11 saturated 0x8000000000000000 to 9223372036854775807).
set(MILAN2_DIGEST "b55b618cb48696814dc1d65d8be960d7c8916bf06dd0139fbc0e5a3d1ebd678c647af7abfb7da5ab1815054bf00ab69e")
cli_test("numbers: measure --vcpus 0b10 is 2" 0 "^${MILAN2_DIGEST}"
         measure --mode snp --ovmf "${TD}/ovmf/OVMF-trixie.fd" --vcpus 0b10 --vcpu-type EPYC-Milan)
cli_test("numbers: --vcpu-family 0o31 --vcpu-model 0b1 --vcpu-stepping 0x1 is EPYC-Milan" 0 "^${MILAN2_DIGEST}"
         measure --mode snp --ovmf "${TD}/ovmf/OVMF-trixie.fd" --vcpus 2 --vcpu-family 0o31 --vcpu-model 0b1
                 --vcpu-stepping 0x1)
cli_test("numbers: decimal 2 gives the same digest (twin)" 0 "^${MILAN2_DIGEST}"
         measure --mode snp --ovmf "${TD}/ovmf/OVMF-trixie.fd" --vcpus 2 --vcpu-type EPYC-Milan)
cli_test("numbers: --vcpus 3 gives another digest (twin)" 0 "^[0-9a-f]+"
         measure --mode snp --ovmf "${TD}/ovmf/OVMF-trixie.fd" --vcpus 3 --vcpu-type EPYC-Milan)
set_tests_properties("cli: numbers: --vcpus 3 gives another digest (twin)" PROPERTIES FAIL_REGULAR_EXPRESSION "${MILAN2_DIGEST}")
cli_test("numbers: --vcpus 0x8000000000000000 is refused as typed" 2
         "--vcpus: '0x8000000000000000' is too large \\(at most 9223372036854775807\\)"
         measure --mode snp --ovmf "${TD}/ovmf/OVMF-trixie.fd" --vcpus 0x8000000000000000 --vcpu-type EPYC-Milan)
cli_test("numbers: --vcpus 0x1001 is the library's range refusal (twin)" 2 "--vcpus 4097: a guest has 1 to 4096 vCPUs"
         measure --mode snp --ovmf "${TD}/ovmf/OVMF-trixie.fd" --vcpus 0x1001 --vcpu-type EPYC-Milan)
cli_test("hardening: measure --guest-features 021 refused" 2 "leading zero"
         measure --mode snp --ovmf "${TD}/ovmf/OVMF_CODE.fd" --vcpus 1 --vcpu-type EPYC-v4 --guest-features 021)
cli_test("hardening: id-block --policy 030000 refused" 2 "leading zero"
         id-block --measurement 845f8680d7f810d6ee410706d1c845aeb83d18e9a30f59d1b519a7b2e2f2670aab3982a20fec61a85b6771922f44945b
                  --id-key "${PROJECT_SOURCE_DIR}/tests/data/idblock/id-key-sec1.pem" --policy 030000)
# 4. Empty values and empty list items are usage errors naming the option.
foreach(opt measurement id-key-digest report-data host-data chip-id min-tcb vmpl crl now)
  cli_test("hardening: --${opt}= refused" 2 "--${opt}" verify ${MILAN_ARGS} --${opt}=)
endforeach()
cli_test("hardening: empty TCB list item refused" 2 "empty item" verify ${MILAN_ARGS} --min-tcb bl=3,,tee=0)
# 5. Bounded reads: a device is refused after 64 MiB, in well under a second.
cli_test("hardening: report show /dev/zero refused" 3 "^sevproof report show: /dev/zero: more than 64 MiB" report show /dev/zero)
# 6. Revocation: --require-crl; V011 only from a verified, current CRL; VLEK reports get the VLEK CRL.
cli_test("hardening: --require-crl without a CRL fails" 1 "V009 fail.*V010 fail.*V011 fail.*NOT VERIFIED"
         verify ${MILAN_ARGS} --require-crl)
cli_test("hardening: --require-crl with the Milan CRL in its window" 0 "V009 pass.*V010 pass.*V011 pass.*VERIFIED"
         verify ${MILAN_ARGS} --require-crl --crl "${TD}/crl/milan-vcek-crl.der" --now 2026-07-01)
cli_test("hardening: --require-crl after the CRL's nextUpdate" 1 "V010 fail.*V011 fail[^\n]*\n[^\n]*not current.*NOT VERIFIED"
         verify ${MILAN_ARGS} --require-crl --crl "${TD}/crl/milan-vcek-crl.der" --now 2026-09-01)
cli_test("hardening: no CRL: the verdict says revocation was not checked" 0 "VERIFIED[^\n]*revocation not checked"
         verify ${MILAN_ARGS})
cli_test("hardening: Genoa report with the Milan CRL: V011 not judged" 1 "V009 fail.*V011 skipped[^\n]*\n[^\n]*did not verify"
         verify --report "${TD}/reports/oak-genoa-v5/report.bin" --vcek "${TD}/reports/oak-genoa-v5/vcek.der"
                --crl "${TD}/crl/milan-vcek-crl.der" --now 2026-07-01)
# 7. Version 4 reads with the version 3 layout.
hostile_test("hardening: report show version 4" 0 "version 4" report show "${HOSTILE}/version4.bin")
# 8. Chains as users have them.
cli_test("hardening: VCEK taken from a VCEK+ASK+ARK chain file" 0 "V016 pass.*VERIFIED"
         verify --report "${TD}/reports/routex-genoa-v3/report.bin" --chain "${TD}/reports/routex-genoa-v3/chain.pem")
# A version 2 report carries no product: the message says where Milan came from (v3 and later: the report's CPUID).
cli_test("hardening: Genoa ARK/ASK for a Milan report refused, naming both" 1
         "V001 fail[^\n]*\n[^\n]*ARK-Genoa was given, a certificate of Genoa, but the (VCEK/VLEK is Milan's|product verified is Milan)"
         verify ${MILAN_ARGS} --ark "${TD}/amd/genoa/ark.pem" --ask "${TD}/amd/genoa/ask.pem")
cli_test("hardening: Genoa ARK for a Milan v3 report: the report (its CPUID) is Milan" 1
         "V001 fail[^\n]*\n[^\n]*ARK-Genoa was given, a certificate of Genoa, but the report is Milan"
         verify --report "${TD}/reports/oak-milan-oc-release-v3/report.bin"
                --vcek "${TD}/reports/oak-milan-oc-release-v3/vcek.der" --ark "${TD}/amd/genoa/ark.pem")
cli_test("hardening: Genoa ARK for a v2 report said to be Milan: the product given is Milan" 1
         "V001 fail[^\n]*\n[^\n]*ARK-Genoa was given, a certificate of Genoa, but the product given is Milan"
         verify ${MILAN_ARGS} --product milan --ark "${TD}/amd/genoa/ark.pem")
cli_test("hardening: an ARK given as --vcek is named" 3 "is the ARK of Milan"
         verify --report "${MILAN}/report.bin" --vcek "${TD}/amd/milan/ark.pem")
# Twins: the other way round, a VCEK given as --ark (it was dropped, and VERIFIED came from --vcek alone), and
# ARK and ASK swapped.
cli_test("hardening: a VCEK given as --ark is named" 3 "--ark[^\n]*is a VCEK .SEV-VCEK., not an ARK: give it with --vcek"
         verify ${MILAN_ARGS} --ark "${MILAN}/vcek.der")
cli_test("hardening: ARK and ASK swapped are named" 3 "is the ASK of Milan .SEV-Milan., not an ARK: the files are swapped"
         verify ${MILAN_ARGS} --ark "${TD}/amd/milan/ask.pem" --ask "${TD}/amd/milan/ark.pem")
cli_test("hardening: ARK and ASK each in their place" 0 "VERIFIED"
         verify ${MILAN_ARGS} --ark "${TD}/amd/milan/ark.pem" --ask "${TD}/amd/milan/ask.pem")
# --json on an input error: the verdict object with outcome input_error (schema), not an empty stdout.
cli_test_stdout("hardening: verify --json on an unreadable report prints outcome input_error" 3
         "\"outcome\": \"input_error\",[^}]*\"error\": {[^}]*\"input\": \"--report\",[^}]*no such file"
         verify --report "${TD}/no-such-report.bin" --vcek "${MILAN}/vcek.der" --json)
cli_test_stdout("hardening: verify --json on a VCEK given as --ark prints outcome input_error" 3
         "\"outcome\": \"input_error\",[^}]*\"error\": {[^}]*not an ARK"
         verify ${MILAN_ARGS} --ark "${MILAN}/vcek.der" --json)
# 9. Time: impossible dates refused, RFC 3339 offsets accepted.
cli_test("hardening: --now 2026-02-30 refused" 2 "2026-02-30 does not exist" verify ${MILAN_ARGS} --now 2026-02-30)
cli_test("hardening: --now with an offset" 0 "verification time 2026-06-30T22:00:00Z"
         verify ${MILAN_ARGS} --now 2026-07-01T00:00:00+02:00)
cli_test("hardening: --now without a zone refused" 2 "no time zone" verify ${MILAN_ARGS} --now 2026-07-01T00:00:00)
# 10. Small ones.
hostile_test("hardening: MSG_REPORT_RSP status printed as a number" 3 "STATUS at 0x000 is 0x00000016"
             report show "${HOSTILE}/msg-rsp-status-16.bin")
hostile_test("hardening: REPORTED_TCB reserved bytes linted" 0 "REPORTED_TCB at 0x180 has non-zero reserved bytes"
             report show "${HOSTILE}/reported-tcb-reserved.bin")
cli_test("hardening: no signer still lists V017" 1 "V016 skipped.*V017 pass.*NOT VERIFIED"
         verify --report "${TD}/reports/routex-genoa-v2-novcek/report.bin")

# JSON contracts and batch verification (the library pipeline): real validation with Debian's
# python3-jsonschema; the batch test replays 10^4 lines (10^3 under sanitizers) against single runs.
set(DEBIAN_PYTHON /usr/bin/python3)
add_test(NAME "cli: every --json output validates against its schema"
         COMMAND ${DEBIAN_PYTHON} "${CMAKE_CURRENT_SOURCE_DIR}/json_contracts.py" $<TARGET_FILE:sevproof_cli> "${TD}"
                 "${PROJECT_SOURCE_DIR}/schemas" "${PROJECT_SOURCE_DIR}")
set(BATCH_LINES 10000)
if(CMAKE_CXX_FLAGS MATCHES "sanitize")
  set(BATCH_LINES 1000)
endif()
add_test(NAME "cli: verify --batch on ${BATCH_LINES} lines agrees with single runs"
         COMMAND ${DEBIAN_PYTHON} "${CMAKE_CURRENT_SOURCE_DIR}/batch_check.py" $<TARGET_FILE:sevproof_cli> "${TD}"
                 "${PROJECT_SOURCE_DIR}/schemas" ${BATCH_LINES})
set_tests_properties("cli: every --json output validates against its schema"
                     "cli: verify --batch on ${BATCH_LINES} lines agrees with single runs" PROPERTIES SKIP_RETURN_CODE 77)
if(NOT IS_DIRECTORY "${TD}/reports")
  set_tests_properties("cli: every --json output validates against its schema"
                       "cli: verify --batch on ${BATCH_LINES} lines agrees with single runs" PROPERTIES DISABLED ON)
endif()

# A chain file with the other intermediate (the VLEK chain's ASVK for a VCEK-signed report): the report still
# verifies with the built-in ASK, and the check says the given ASVK was not used (twin: the matching chain says nothing).
cli_test("chain: an ASVK given for a VCEK-signed report is named as not used" 0
         "V003 pass[^\n]*\n[^\n]*the SEV-VLEK-Milan given is not used: it signs VLEKs, and this report's signer is a VCEK"
         verify ${MILAN_ARGS} --chain "${TD}/amd/milan/asvk.pem")
cli_test("chain: the matching ASK says nothing of the kind (twin)" 0 "V003 pass[^\n]*\n[^\n]*pinned ASK of Milan[^\n;]*\n"
         verify ${MILAN_ARGS} --chain "${TD}/amd/milan/ask.pem")

# V016 names why a signature fails: the report's own VCEK (same chip and TCB) means the bytes were changed after
# signing; another chip's VCEK is named as such (CMakeLists.txt, "verify with another chip's VCEK").
hostile_test("hardening: V016 on a changed report says its own VCEK no longer verifies it" 1
             "V016 fail[^\n]*\n[^\n]*the VCEK is this report's \\(chip [0-9a-f]+…?, TCB [^)]*\\), so the signed bytes or the signature were changed after signing.*NOT VERIFIED"
             verify --report "${HOSTILE}/measurement-changed.bin" --vcek "${TD}/reports/oak-genoa-v5/vcek.der")
# Standard input is read once: a second "-" is refused, not read as an empty file (twin: one "-" is read).
cli_test("hardening: two inputs cannot both be standard input" 3 "--report: -: standard input is already read for another input"
         verify --report - --vcek -)
cli_test("hardening: one input from standard input is read (twin)" 3 "--report -: report: size is 0 bytes"
         verify --report - --vcek "${MILAN}/vcek.der")
