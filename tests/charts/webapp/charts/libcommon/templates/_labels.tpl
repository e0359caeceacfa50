{{/* Labels every object carries. */}}
{{- define "libcommon.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
{{- end }}

{{/* A container security context from a values block, with a safe default. */}}
{{- define "libcommon.securityContext" -}}
{{- if . }}
{{- toYaml . }}
{{- else }}
runAsNonRoot: true
{{- end }}
{{- end }}
