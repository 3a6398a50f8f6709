"""What tests and benchmarks both build: data sets, written as the services would write them."""
