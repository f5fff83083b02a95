{{/* Everything a service release renders. A service chart's only template is:
  {{ include "parley.all" . }}
*/}}
{{- define "parley.all" -}}
{{- include "parley.validate" . -}}
{{- range $part := list "parley.serviceaccount" "parley.configmap" "parley.service" "parley.deployment" "parley.hpa" "parley.pdb" "parley.keda" -}}
{{- $manifest := include $part $ | trim -}}
{{- if $manifest }}
---
{{ $manifest }}
{{- end -}}
{{- end -}}
{{- end -}}
