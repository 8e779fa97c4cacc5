/** The network architectures, shared by training and export. */
package io.dwcp.models.nets;
