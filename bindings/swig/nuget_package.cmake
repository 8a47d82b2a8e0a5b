# Lays out and zips DirectLine.VERSION.nupkg (cmake -P; variables from CMakeLists.txt).
file(REMOVE_RECURSE ${STAGE})
file(MAKE_DIRECTORY ${STAGE}/lib/netstandard2.0 ${STAGE}/runtimes/linux-x64/native)
file(COPY_FILE ${NUSPEC} ${STAGE}/DirectLine.nuspec)
file(COPY_FILE ${CONTENT_TYPES} "${STAGE}/[Content_Types].xml")
file(COPY_FILE ${ASSEMBLY} ${STAGE}/lib/netstandard2.0/DirectLine.dll)
if(EXISTS ${ASSEMBLY_DOC})
  file(COPY_FILE ${ASSEMBLY_DOC} ${STAGE}/lib/netstandard2.0/DirectLine.xml)
endif()
set(native ${STAGE}/runtimes/linux-x64/native)
file(COPY_FILE ${CORE_LIBRARY} ${native}/libdirectline.so)
file(COPY_FILE ${GLUE_LIBRARY} ${native}/libdirectline_csharp.so)
if(STRIP)
  execute_process(COMMAND ${STRIP} --strip-debug ${native}/libdirectline.so ${native}/libdirectline_csharp.so)
endif()
get_filename_component(out_dir ${NUPKG} DIRECTORY)
file(MAKE_DIRECTORY ${out_dir})
file(REMOVE ${NUPKG})
execute_process(
  COMMAND ${CMAKE_COMMAND} -E tar cf ${NUPKG} --format=zip
          DirectLine.nuspec "[Content_Types].xml" lib runtimes
  WORKING_DIRECTORY ${STAGE}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "could not write ${NUPKG}")
endif()
