/**
 * JavaCPP bindings of the project's native libraries (native/). Not API: nothing outside
 * {@code io.dwcp.jni} should refer to these classes, and inside it only the availability probes load them.
 */
package io.dwcp.jni.internal;
