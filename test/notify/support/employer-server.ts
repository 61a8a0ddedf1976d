// The employer endpoint lives with the harnesses (reliability/), which use it too.
export {
  type EmployerReply,
  EmployerServer,
  type ReceivedNotification,
} from '../../../reliability/employer-endpoint.ts';
