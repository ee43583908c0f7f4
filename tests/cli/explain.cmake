# sevproof explain, snp:svsm and --append= (issue 14). Included from tests/cli/CMakeLists.txt.
set(OV "${TD}/ovmf")
set(M02 cc2b38913550ecd41aadbcf2a5d309ae9d3cb0455c9e1f72892f6b18cfaea3f2e4f46a28b61ca0353724ee707c73177c)
set(M03 d44124322592a3390e2d258d4ad7df5897c9dd3958f906aa223588e327f97935802f9130b9009cf3dd60f9734cdc72f3)
set(MILAN4 --mode snp --ovmf "${OV}/OVMF_CODE.fd" --vcpus 4 --vcpu-type EPYC-Milan)
set(MILAN1 --mode snp --ovmf "${OV}/OVMF_CODE.fd" --vcpus 1 --vcpu-type EPYC-Milan)

# Data-driven: every pair of reference vectors that differ in one input, run as a user would, with the
# full search (pairs of rows differing in two inputs: tests/unit/explain_test.cpp, and one full
# two-change search below).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  set(name "cli: explain names the input in which vector rows differ (every pair differing in one)")
  add_test(NAME "${name}" COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_SOURCE_DIR}/explain_vectors.py" $<TARGET_FILE:sevproof_cli> "${TD}"
                                  --only-one-change)
  set_tests_properties("${name}" PROPERTIES PASS_REGULAR_EXPRESSION "[1-9][0-9]* cases, 0 failures" TIMEOUT 600)
  if(NOT IS_DIRECTORY "${TD}/reports")
    set_tests_properties("${name}" PROPERTIES DISABLED ON)
  endif()
endif()

# One change (m02 inputs, m03 digest), in words and in JSON exactly as documented.
cli_test("explain: guest features 0x21 in words" 0
         "EXPLAINED \\(1 input differs\\):\n  the guest was launched with guest features 0x21 \\(SNPActive, DebugSwap\\), not 0x1: the host's kvm_amd debug_swap is on or QEMU has debug-swap=on"
         explain --measurement ${M03} ${MILAN4} --guest-features 0x1)
cli_test("explain --json: the documented shape" 0
         "^{\n  \"schema_version\": 1,\n  \"explained\": true,\n  \"explanations\": \\[\n    {\n      \"changes\": {\n        \"guest-features\": \"0x21\"\n      },\n      \"digest\": \"${M03}\",\n      \"sentence\": \"the guest was launched with guest features 0x21 [^\n]*\"\n    }\n  \\],\n  \"searched\": {\n    \"guest-features\": 8191,\n    \"vcpus\": 511,\n    \"vcpu-type\": 4,"
         explain --json --measurement ${M03} ${MILAN4})
# Two changes: guest features and vCPU count (m04 inputs, m03 digest), the digest given as base64.
cli_test("explain: guest features and vCPU count together" 0
         "EXPLAINED \\(2 inputs differ\\):\n  the guest was launched with guest features 0x21[^\n]*; and the guest had 4 vCPUs, not 1.*measure with: --guest-features=0x21 --vcpus=4"
         explain --measurement 1EEkMiWSozkOLSWNStffWJfJ3TlY+QaqIjWI4yf5eTWAL5EwuQCc891g+XNM3HLz ${MILAN1})
cli_test("explain: the believed launch already matches" 0 "already gives the reported digest"
         explain --measurement ${M02} ${MILAN4})
# A random digest: not explained, exit 1, every axis listed with its count.
cli_test("explain: a random digest is not explained and the axes are listed" 1
         "NOT EXPLAINED.*searched \\(values per axis, tried alone and in pairs\\): guest-features 8191, vcpus 511, vcpu-type 4, vmm-type 3, fpu-init 1, ovmf 5, ovmf-skipped 2"
         explain --measurement 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
                 ${MILAN4} --ovmf-candidates "${OV}")
cli_test("explain --json: not explained" 1 "\"explained\": false,\n  \"explanations\": \\[\\],"
         explain --json --measurement 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef ${MILAN4})
# The reported digest from a report file (a real report; these inputs did not launch it).
cli_test("explain --report reads MEASUREMENT" 1 "reported digest  f924dd18f168df60fbea937f0b086284d51b1b376de872bac43694f61134d57967c318018de7335503023dbb50dee624.*NOT EXPLAINED"
         explain --report "${TD}/reports/oak-turin-v5/report.bin" ${MILAN4} --max-vcpus 16)
# Refusals.
cli_test("explain needs a reported digest" 2 "--report FILE or --measurement HEX" explain ${MILAN4})
cli_test("explain refuses a digest of the wrong length" 2 "--measurement: 46 bytes given, the field is a launch digest: 48 bytes"
         explain --measurement 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab ${MILAN4})
cli_test("explain refuses non-hex" 2 "neither hex nor base64" explain --measurement zz-not-a-digest ${MILAN4})
cli_test("explain refuses snp:ovmf-hash" 2 "explain compares snp, seves and sev" explain --measurement ${M02} --mode snp:ovmf-hash --ovmf "${OV}/OVMF_CODE.fd")
cli_test("explain refuses --max-vcpus 0" 2 "--max-vcpus 0: expected 1..4096" explain --measurement ${M02} ${MILAN4} --max-vcpus 0)
cli_test("explain: unreadable report" 3 "--report .*no such file" explain --report "${TD}/no-such-report.bin" ${MILAN4})
cli_test("explain: unreadable candidates folder" 3 "--ovmf-candidates" explain --measurement ${M02} ${MILAN4} --ovmf-candidates "${TD}/no-such-dir")
cli_test("explain: the measure flags' own errors" 2 "unknown --vcpu-type" explain --measurement ${M02} --mode snp --ovmf "${OV}/OVMF_CODE.fd" --vcpus 4 --vcpu-type Nope)

# --append= is an explicitly empty command line: measured as sev-snp-measure measures it (as "" + NUL,
# the digest of no --append), and still refused without --kernel (it was given).
set(GENOA2K --mode snp --vcpus 2 --vcpu-type EPYC-Genoa --ovmf "${OV}/OVMF.amdsev.fd" --kernel "${TD}/measure/kernel-a.bin")
set(APPEND_EMPTY 8c04950c961563c914d557483155efe7c29a4a0734ed230321ea73a8ddfb7bf75c2c8ff447f329cb2aee420638378426)
cli_test("measure --append= (empty) is accepted" 0 "^${APPEND_EMPTY}\n$" measure ${GENOA2K} --append=)
cli_test("measure --append '' (empty) is accepted" 0 "^${APPEND_EMPTY}\n$" measure ${GENOA2K} --append "")
cli_test("measure --append= before another flag" 0 "^${APPEND_EMPTY}\n$" measure --append= ${GENOA2K})
cli_test("measure --append ' ' differs from empty" 0 "^be25374ec73cc89ef21a4de0c0c459d628726c3efac1a9e5b9dbbd9dd297dacdadaeefd0e963ce0b305c7417099a5187\n$"
         measure ${GENOA2K} --append " ")
cli_test("measure --append= without --kernel is refused (it counts as given)" 2 "--append without --kernel"
         measure --mode snp --vcpus 2 --vcpu-type EPYC-Genoa --ovmf "${OV}/OVMF.amdsev.fd" --append=)

# snp:svsm: the usual error rows.
set(SVSM_BASE --mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 --ovmf "${OV}/OVMF-trixie.fd")
cli_test("measure snp:svsm needs --svsm" 2 "needs --svsm FILE" measure ${SVSM_BASE} --vars-size 540672)
cli_test("measure snp:svsm needs the vars size" 2 "needs --vars-size N or --vars-file FILE" measure ${SVSM_BASE} --svsm "${OV}/OVMF_CODE.fd")
cli_test("measure snp:svsm: --vars-size and --vars-file exclude each other" 2 "excludes"
         measure ${SVSM_BASE} --svsm "${OV}/OVMF_CODE.fd" --vars-size 540672 --vars-file "${OV}/OVMF_CODE.fd")
cli_test("measure snp:svsm refuses a vars size that is not whole pages" 1 "not a positive multiple of 4096"
         measure ${SVSM_BASE} --svsm "${OV}/OVMF_CODE.fd" --vars-size 1000)
cli_test("measure snp:svsm refuses a non-numeric vars size" 2 "--vars-size 54k: not a number" measure ${SVSM_BASE} --svsm "${OV}/OVMF_CODE.fd" --vars-size 54k)
cli_test("measure snp:svsm refuses an image that is not an SVSM" 1 "no SVSM info entry"
         measure ${SVSM_BASE} --svsm "${OV}/OVMF_CODE.fd" --vars-size 540672)
cli_test("measure snp:svsm refuses a kernel" 2 "snp:svsm launches measure no kernel hashes"
         measure ${SVSM_BASE} --svsm "${OV}/OVMF_CODE.fd" --vars-size 540672 --kernel "${TD}/measure/kernel-a.bin")
cli_test("measure snp:svsm refuses guest features it would not use" 2 "SVSM vCPUs always start with SEV_FEATURES 0x1"
         measure ${SVSM_BASE} --svsm "${OV}/OVMF_CODE.fd" --vars-size 540672 --guest-features 0x21)
cli_test("measure snp:svsm is QEMU only" 2 "only defined for QEMU" measure ${SVSM_BASE} --svsm "${OV}/OVMF_CODE.fd" --vars-size 540672 --vmm-type ec2)
cli_test("measure --svsm outside snp:svsm is refused" 2 "only used in --mode snp:svsm"
         measure --mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf "${OV}/OVMF-trixie.fd" --svsm "${OV}/OVMF_CODE.fd")
cli_test("measure snp:svsm: unreadable --svsm" 3 "--svsm .*no such file" measure ${SVSM_BASE} --svsm "${TD}/nope.bin" --vars-size 540672)

# snp:svsm against the reference tool on its own fixtures (a checkout of virtee/sev-snp-measure;
# its fixtures are read there, never copied). Skipped when no checkout is named.
set(SEVPROOF_SEV_SNP_MEASURE "$ENV{SEV_SNP_MEASURE_DIR}" CACHE PATH "checkout of virtee/sev-snp-measure (its fixtures check snp:svsm)")
add_test(NAME "cli: snp:svsm digests equal sev-snp-measure's on its fixtures"
         COMMAND "${CMAKE_COMMAND}" -DSEVPROOF=$<TARGET_FILE:sevproof_cli> "-DREF=${SEVPROOF_SEV_SNP_MEASURE}"
                 -P "${CMAKE_CURRENT_SOURCE_DIR}/svsm_reference.cmake")
set_tests_properties("cli: snp:svsm digests equal sev-snp-measure's on its fixtures" PROPERTIES SKIP_REGULAR_EXPRESSION "SKIPPED:")

# id-block check with the launch inputs: a differing LD is explained, a differing POLICY names its bits.
# (The ID block written by the id-block tests was made for m12: trixie, 2 x EPYC-Milan, guest features 0x21.)
cli_test("id-block check explains a differing LD from the launch inputs" 1
         "FAIL  LD: [^\n]*\n        why: the ID block was made for a launch where the guest was launched with guest features 0x21 .SNPActive, DebugSwap., not 0x1.*FAIL  POLICY: ID block policy 0x30000 differs from the launch policy[^\n]*: DEBUG .ID block 0, launch 1."
         id-block check --id-block "${LAUNCH}/id-block.base64" --id-auth "${LAUNCH}/id-auth.base64" --policy 0xb0000
                        --mode snp --ovmf "${OV}/OVMF-trixie.fd" --vcpus 2 --vcpu-type EPYC-Milan)
cli_test("id-block check passes with the launch inputs of the ID block" 0 "pass  LD: .*would accept"
         id-block check --id-block "${LAUNCH}/id-block.base64" --id-auth "${LAUNCH}/id-auth.base64" --policy 0x30000
                        --mode snp --ovmf "${OV}/OVMF-trixie.fd" --vcpus 2 --vcpu-type EPYC-Milan --guest-features 0x21)
cli_test("id-block check refuses --measurement with the measure flags" 2 "not both"
         id-block check --id-block "${LAUNCH}/id-block.base64" --id-auth "${LAUNCH}/id-auth.base64" --measurement ${M12}
                        --mode snp --ovmf "${OV}/OVMF-trixie.fd" --vcpus 2 --vcpu-type EPYC-Milan)
# Nothing to compare with: the signatures hold, but "would accept" is said for the launch the block names only.
cli_test("id-block check without a launch says what it did not compare" 0
         "would accept this ID block and ID auth for a launch with the LD and POLICY the block names; LD and POLICY were not compared"
         id-block check --id-block "${LAUNCH}/id-block.base64" --id-auth "${LAUNCH}/id-auth.base64")
cli_test("id-block check --json without a launch lists what it did not compare" 0 "\"not_compared\": \\[[^]]*\"LD\",[^]]*\"POLICY\""
         id-block check --id-block "${LAUNCH}/id-block.base64" --id-auth "${LAUNCH}/id-auth.base64" --json)
set_tests_properties("cli: id-block check without a launch says what it did not compare"
                     "cli: id-block check --json without a launch lists what it did not compare"
                     "cli: id-block check explains a differing LD from the launch inputs"
                     "cli: id-block check passes with the launch inputs of the ID block"
                     "cli: id-block check refuses --measurement with the measure flags"
                     PROPERTIES DEPENDS "cli: id-block prints the reference lines and the QEMU object")
