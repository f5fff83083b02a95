{{- define "parley.serviceaccount" -}}
{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "parley.serviceAccountName" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
  {{- $annotations := deepCopy .Values.serviceAccount.annotations -}}
  {{- if .Values.serviceAccount.roleArn -}}
  {{- $_ := set $annotations "eks.amazonaws.com/role-arn" .Values.serviceAccount.roleArn -}}
  {{- end -}}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end -}}
{{- end -}}
