// Only what the EventBridge Scheduler adapter uses, for its dynamic import (see ../ses/ses-sdk.ts).
export { SchedulerClient, ConflictException, CreateScheduleCommand, UpdateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException } from '@aws-sdk/client-scheduler';
