{{/* The Deployment. Security is not configurable: every Parley image runs as uid 10001 with a
read-only root filesystem, no privilege escalation and no capabilities; /tmp is an emptyDir. */}}
{{- define "parley.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "parley.fullname" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
spec:
  {{- if not (or .Values.autoscaling.enabled .Values.keda.enabled) }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels:
      {{- include "parley.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "parley.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "parley.configmap" . | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "parley.serviceAccountName" . }}
      # No <SERVICE>_PORT/_SERVICE_HOST variables: Parley reads its peers' addresses from its settings,
      # and parley-gateway's would read as PARLEY_GATEWAY_* variables no setting reads (decision 132).
      enableServiceLinks: false
      automountServiceAccountToken: false
      {{- with .Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ .Values.component }}
          image: {{ include "parley.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command:
            {{- toYaml .Values.command | nindent 12 }}
          envFrom:
            - configMapRef:
                name: {{ include "parley.fullname" . }}
          {{- with .Values.secretEnv }}
          env:
            {{- range $name, $ref := . }}
            - name: {{ $name }}
              valueFrom:
                secretKeyRef:
                  name: {{ $ref.secret }}
                  key: {{ $ref.key }}
                  {{- if $ref.optional }}
                  optional: true
                  {{- end }}
            {{- end }}
          {{- end }}
          {{- $health := .Values.health | default dict }}
          {{- if or .Values.http.enabled $health.enabled }}
          ports:
            {{- if .Values.http.enabled }}
            - name: http
              containerPort: {{ .Values.http.port }}
              protocol: TCP
            {{- end }}
            {{- if $health.enabled }}
            - name: health
              containerPort: {{ $health.port }}
              protocol: TCP
            {{- end }}
          {{- end }}
          {{- with .Values.probes.startup }}
          startupProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .Values.probes.liveness }}
          livenessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .Values.probes.readiness }}
          readinessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- if .Values.preStopSleepSeconds }}
          lifecycle:
            preStop:
              exec:
                command: ["sleep", {{ .Values.preStopSleepSeconds | quote }}]
          {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ .Values.tmpSizeLimit }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if .Values.zoneSpread.enabled }}
      topologySpreadConstraints:
        - maxSkew: {{ .Values.zoneSpread.maxSkew }}
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "parley.selectorLabels" . | nindent 14 }}
      {{- end }}
{{- end -}}
