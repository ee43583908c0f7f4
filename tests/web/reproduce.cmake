# Assembles the page a second time and compares it with the built one, byte for byte.
execute_process(COMMAND "${NODE}" "${TOOL}" --template "${WEB}/index.html" --css "${WEB}/style.css" --app "${WEB}/app.js"
                        --worker "${WEB}/worker.js" --core "${CORE}" --measure "${MEASURE}" --out "${OUT}" RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "assembly failed")
endif()
file(SHA256 "${HTML}" a)
file(SHA256 "${OUT}" b)
if(NOT a STREQUAL b)
  message(FATAL_ERROR "the page differs when assembled again: ${a} vs ${b}")
endif()
message("reproduced: sha256 ${a}")
