# Builds directline-VERSION.jar (+ -sources, -javadoc jars and .pom) with Maven (cmake -P; variables from CMakeLists.txt).
# The natives are staged (debug info stripped) where the pom picks them up as
# resources under /native/linux-x86_64/.
file(REMOVE_RECURSE ${NATIVE_DIR})
file(MAKE_DIRECTORY ${NATIVE_DIR})
# CORE_LIBRARY may be the versioned file; the jar carries it under its SONAME.
file(COPY_FILE ${CORE_LIBRARY} ${NATIVE_DIR}/libdirectline.so.1)
file(COPY_FILE ${JNI_LIBRARY} ${NATIVE_DIR}/libdirectline_jni.so)
if(STRIP)
  execute_process(COMMAND ${STRIP} --strip-debug ${NATIVE_DIR}/libdirectline.so.1 ${NATIVE_DIR}/libdirectline_jni.so)
endif()

set(args -q -B -f ${POM} package -DskipTests
    -Ddl.build.dir=${MAVEN_BUILD_DIR} -Ddl.swig.java.dir=${SWIG_JAVA_DIR}
    -Ddl.native.dir=${NATIVE_DIR} -Ddl.emulator=${EMULATOR})
# Offline first (fast, no network when the local repository is complete).
execute_process(COMMAND ${MAVEN} -o ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  execute_process(COMMAND ${MAVEN} ${args} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "Maven failed to package the Java binding (exit ${rc})")
  endif()
endif()
# The jar, its -sources and -javadoc jars and the POM: what a Maven repository holds.
get_filename_component(jar_name ${JAR} NAME_WLE)
get_filename_component(out_dir ${JAR} DIRECTORY)
foreach(suffix "" -sources -javadoc)
  file(COPY_FILE ${MAVEN_BUILD_DIR}/${jar_name}${suffix}.jar ${out_dir}/${jar_name}${suffix}.jar)
endforeach()
file(COPY_FILE ${POM} ${out_dir}/${jar_name}.pom)
