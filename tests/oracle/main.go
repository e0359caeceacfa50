package main

import (
	_ "go.yaml.in/yaml/v2"
	_ "k8s.io/apimachinery/pkg/runtime"
	_ "k8s.io/apimachinery/pkg/util/yaml"
	_ "sigs.k8s.io/yaml"
)

func main() {}
