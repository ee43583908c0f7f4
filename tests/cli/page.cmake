# Expectation values in the forms other tools print them, accepted alike by the CLI and the web page
# (both go through validate::parse_hex_field): snpguest's spaced hex, sev-snp-measure's base64.
set(_milan --report "${TD}/reports/automata-milan-v2/report.bin" --vcek "${TD}/reports/automata-milan-v2/vcek.der")
cli_test("verify accepts snpguest's spaced hex measurement" 0 "P018 pass.*VERIFIED: genuine"
         verify ${_milan} --measurement "84 5f 86 80 d7 f8 10 d6 ee 41 07 06 d1 c8 45 ae
b8 3d 18 e9 a3 0f 59 d1 b5 19 a7 b2 e2 f2 67 0a
ab 39 82 a2 0f ec 61 a8 5b 67 71 92 2f 44 94 5b")
cli_test("verify accepts a base64 measurement (sev-snp-measure --output-format base64)" 0 "P018 pass.*VERIFIED: genuine"
         verify ${_milan} --measurement "hF+GgNf4ENbuQQcG0chFrrg9GOmjD1nRtRmnsuLyZwqrOYKiD+xhqFtncZIvRJRb")
cli_test("verify: a base64 measurement one bit off fails P018" 1 "P018 fail .*GENUINE, BUT POLICY FAILED"
         verify ${_milan} --measurement "hV+GgNf4ENbuQQcG0chFrrg9GOmjD1nRtRmnsuLyZwqrOYKiD+xhqFtncZIvRJRb")
cli_test("verify: base64 of the wrong size is refused" 2 "--host-data: neither hex nor base64 of 32 bytes"
         verify ${_milan} --host-data "hF+GgNf4ENbuQQcG0chFrrg9GOmjD1nRtRmnsuLyZwqrOYKiD+xhqFtncZIvRJRb")
