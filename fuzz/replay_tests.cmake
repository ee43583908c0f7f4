# ctest: each target replays its hand-made seeds (fuzz/seeds/TARGET), every regression input
# (fuzz/regressions/TARGET) and, when the shared test data is there, the real seeds that
# real_seeds.txt lists without a transform, then deterministic mutations of them (4000 per target).
set(SEVPROOF_FUZZ_REPLAY_BUDGET 4000 CACHE STRING "Mutations the ctest replay runs per fuzz target, shared by its inputs")
file(STRINGS "${CMAKE_CURRENT_SOURCE_DIR}/real_seeds.txt" _lines REGEX "^[a-z]")
foreach(t IN LISTS SEVPROOF_FUZZ_TARGETS)
  set(_inputs "${CMAKE_CURRENT_SOURCE_DIR}/seeds/${t}")
  if(IS_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/regressions/${t}")
    list(APPEND _inputs "${CMAKE_CURRENT_SOURCE_DIR}/regressions/${t}")
  endif()
  foreach(line IN LISTS _lines)
    string(REGEX REPLACE "[ \t]+" ";" _f "${line}")
    list(LENGTH _f _n)
    list(GET _f 0 _target)
    if(_target STREQUAL t AND _n EQUAL 2)
      list(GET _f 1 _glob)
      file(GLOB _real "${SEVPROOF_TESTDATA_DIR}/${_glob}")
      list(APPEND _inputs ${_real})
    endif()
  endforeach()
  if(t STREQUAL "appraisal" AND NOT EXISTS "${SEVPROOF_TESTDATA_DIR}/reports/oak-genoa-v5/vcek.der")
    continue()  # its fixed genuine report and VCEK are real data
  endif()
  add_test(NAME "fuzz replay: ${t}" COMMAND fuzz_replay ${t} ${SEVPROOF_FUZZ_REPLAY_BUDGET} ${_inputs})
  set_tests_properties("fuzz replay: ${t}" PROPERTIES LABELS fuzz)
endforeach()

# The twin: the replay fails when a target crashes (the selftest target aborts on "crash...").
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/selftest/crash.txt" "crash here")
add_test(NAME "fuzz replay: a crashing input fails the replay"
         COMMAND fuzz_replay selftest 0 "${CMAKE_CURRENT_BINARY_DIR}/selftest/crash.txt")
set_tests_properties("fuzz replay: a crashing input fails the replay" PROPERTIES WILL_FAIL TRUE LABELS fuzz)
