{{- define "evasion.securityContext" -}}
privileged: {{ .Values.partial.privileged }}
readOnlyRootFilesystem: true
{{- end }}
