/** Real codecs, the measured codec profile and the transfer-time oracle. */
package io.dwcp.models.compression;
