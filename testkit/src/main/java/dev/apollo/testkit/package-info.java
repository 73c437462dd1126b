/**
 * What every adapter of a port must do, as abstract JUnit tests an adapter's own test extends (the
 * contract), and in-memory fakes of the ports for testing the control plane without I/O. A new
 * backend is done when its port's contract is green.
 */
package dev.apollo.testkit;
