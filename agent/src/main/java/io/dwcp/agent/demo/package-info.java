/**
 * The demo: a simulator sending the models' documented scenarios over UDP, a reader printing the socket's
 * events, and the distribution-shift replay (retrain, shadow, promote).
 */
package io.dwcp.agent.demo;
