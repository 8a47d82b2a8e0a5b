# Lays out and zips DirectLine.VERSION.nupkg (cmake -P; variables from CMakeLists.txt).
file(REMOVE_RECURSE ${STAGE})
file(MAKE_DIRECTORY ${STAGE}/lib/netstandard2.0 ${STAGE}/runtimes/linux-x64/native)
file(COPY_FILE ${NUSPEC} ${STAGE}/DirectLine.nuspec)
file(COPY_FILE ${CONTENT_TYPES} "${STAGE}/[Content_Types].xml")
file(COPY_FILE ${README} ${STAGE}/README.md)  # the nuspec's <readme>
# An OPC package: NuGet clients find the manifest through this relationship
# (without it `nuget install` says "Package does not contain a manifest").
file(WRITE ${STAGE}/_rels/.rels [=[<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/DirectLine.nuspec" Id="R0" />
</Relationships>
]=])
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
          _rels DirectLine.nuspec "[Content_Types].xml" README.md lib runtimes
  WORKING_DIRECTORY ${STAGE}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "could not write ${NUPKG}")
endif()
